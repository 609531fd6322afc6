"""Operations: inert data that know their inverse (habit 4).

A Drop carries the whole old object so that its inverse can re-create it; destructive changes
are flagged from the operation type, never by reading SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir.model import Obj

INVERSE = {"create": "drop", "drop": "create"}


@dataclass(frozen=True, slots=True)
class Op:
    """One change to one object: ``create`` or ``drop`` it."""

    action: str
    obj: Obj

    def inverse(self) -> Op:
        """The operation that undoes this one."""
        return Op(INVERSE[self.action], self.obj)

    @property
    def destructive(self) -> bool:
        """Whether applying this op can lose data (dropping a table, sequence or column)."""
        return self.action == "drop" and self.obj.id.kind in ("table", "sequence")

    def __str__(self) -> str:
        return f"{self.action} {self.obj.id}"


@dataclass(frozen=True, slots=True)
class Plan:
    """An ordered list of operations that takes one model state to another."""

    ops: tuple[Op, ...]

    def inverse(self) -> Plan:
        """The plan that undoes this one: each op inverted, in reverse order."""
        return Plan(tuple(op.inverse() for op in reversed(self.ops)))

    def __bool__(self) -> bool:
        return bool(self.ops)

    def __add__(self, other: Plan) -> Plan:
        return Plan(self.ops + other.ops)
