"""Operations: inert data that know their inverse (habit 4).

A Drop carries the whole old object so that its inverse can re-create it; an Alter carries the
object before and after, and its inverse swaps them. Destructive changes are flagged from the
operation type and its data, never by reading SQL.

Actions (each rendered by ``sql/<kind>/<action>.sql.j2``):

========================  ==========================================  ====================
action                    meaning                                     inverse
========================  ==========================================  ====================
create / drop             the whole object                            drop / create
alter                     object in place: ``old`` → ``obj``          alter ``obj`` → ``old``
rename                    ``old``'s name → ``obj``'s name             rename back
add_column / drop_column  ``part`` of table ``obj``                   drop / add
                          (``detail="backfill"``: existing rows filled
                          from ``part.backfill``; ``extra``: the name
                          of the temporary NOT NULL check)
alter_column              column ``old_part`` → ``part``              alter back
rename_column             column ``old_part`` → ``part`` (name only)  rename back
add_constraint / drop_…   ``part`` (key or check) of table ``obj``    drop / add
rename_constraint         ``old_part`` → ``part`` (name only)         rename back
========================  ==========================================  ====================

``online`` marks an op on an object that already holds data in a live database: indexes are
built ``CONCURRENTLY`` (outside any transaction), constraints added ``NOT VALID`` and validated
in a transaction of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ir.model import CheckConstraint, Column, EnumIR, KeyConstraint, Obj

INVERSE = {
    "create": "drop", "drop": "create", "alter": "alter", "rename": "rename",
    "add_column": "drop_column", "drop_column": "add_column", "alter_column": "alter_column",
    "rename_column": "rename_column", "add_constraint": "drop_constraint", "drop_constraint": "add_constraint",
    "rename_constraint": "rename_constraint", "replace_check": "replace_check",
}
#: Session settings at the top of a migration that runs on a live database (lock waits fail fast
#: instead of queueing every query behind them; no statement runs unbounded).
ONLINE_SETTINGS = ("lock_timeout = '5s'", "statement_timeout = '1h'")

SWAPS = {"alter", "rename", "alter_column", "rename_column", "rename_constraint", "replace_check"}

#: An ``alter`` split in two around column renames and drops: privileges are revoked before the
#: columns they name are renamed or dropped, and granted after they are added or renamed back.
#: The inverse of one half is the other.
GRANT_HALVES = {"revoke": "grant", "grant": "revoke"}

#: Casts that never lose data (old type → new types it widens to); any other type change is narrowing.
WIDENING: dict[str, set[str]] = {
    "smallint": {"integer", "bigint", "numeric", "real", "double precision"},
    "integer": {"bigint", "numeric", "double precision"},
    "bigint": {"numeric"},
    "real": {"double precision"},
    "varchar": {"text"},
    "character varying": {"text"},
    "char": {"text", "varchar", "character varying"},
    "citext": {"text"},
    "timestamp": {"timestamptz"},
    "json": {"jsonb", "text"},
}


@dataclass(frozen=True, slots=True)
class Part:
    """How a part of an op runs: ``template`` action name and its transaction mode.

    ``main``: inside the file's transaction; ``own``: in a transaction of its own, after the ops
    before it committed (``VALIDATE CONSTRAINT``); ``none``: outside any transaction (``CONCURRENTLY``).
    """

    action: str
    txn: str = "main"


@dataclass(frozen=True, slots=True)
class Op:
    """One change to one object (see the module docstring for the actions)."""

    action: str
    obj: Obj
    old: Obj | None = None
    part: Any = None
    old_part: Any = None
    online: bool = False
    detail: str | None = None
    extra: tuple[Any, ...] = ()
    #: ops that create what must be dropped before this op and re-created after it, when it
    #: rebuilds (an enum re-created to drop a value: its users' views, policies, checks, functions)
    dependents: tuple[Op, ...] = ()

    def inverse(self) -> Op:
        """The operation that undoes this one."""
        if self.action in SWAPS:
            obj, old = (self.old, self.obj) if self.old is not None else (self.obj, None)
            detail = GRANT_HALVES.get(self.detail, self.detail) if self.action == "alter" else self.detail  # type: ignore[arg-type]
            return Op(INVERSE[self.action], obj, old, self.old_part, self.part, self.online, detail, self.extra,
                      self.dependents)
        return Op(INVERSE[self.action], self.obj, self.old, self.part, self.old_part, self.online, self.detail,
                  self.extra, self.dependents)

    @property
    def rebuilds(self) -> bool:
        """Whether this op re-creates its object under the same name (an enum losing or reordering
        values), so that its ``dependents`` are dropped before it and re-created after it."""
        if self.action != "alter" or not isinstance(self.obj, EnumIR) or not isinstance(self.old, EnumIR):
            return False
        old, new = self.old.values, self.obj.values
        return not (set(old) <= set(new) and [v for v in new if v in old] == list(old))

    def steps(self) -> list[tuple[Op, Part]]:
        """What renders, in order: each part of this op, inside its dependents' drop and re-create
        when it rebuilds (one place, one transaction: the dependents are never missing after it)."""
        own = [(self, p) for p in self.parts()]
        if not (self.dependents and self.rebuilds):
            return own
        before = [(d.inverse(), p) for d in reversed(self.dependents) for p in d.inverse().parts()]
        after = [(d, p) for d in self.dependents for p in d.parts()]
        return before + own + after

    @property
    def kind(self) -> str:
        return self.obj.id.kind

    def parts(self) -> tuple[Part, ...]:
        """The template parts this op renders, in order, with their transaction modes."""
        if self.online and self.action == "alter" and isinstance(self.obj, EnumIR) and isinstance(self.old, EnumIR) \
                and self.obj.values != self.old.values and not self.rebuilds:
            return (Part("alter", "own"),)  # a new enum value cannot be used in the transaction that adds it
        if self.action == "add_column" and self.detail == "backfill":
            # added nullable, filled by an UPDATE; when NOT NULL, a NOT VALID check after the UPDATE
            # (new rows need a value from then on), validated, then SET NOT NULL (which trusts it)
            txn = "own" if self.online else "main"
            fill = (Part("add_column"), Part("backfill", txn))
            if self.part.nullable:
                return fill
            return fill + (Part("backfill_validate", txn), Part("backfill_not_null", txn))
        if self.action == "replace_check":
            return (Part("replace_check"), Part("replace_check_swap", "own" if self.online else "main"))
        if self.online:
            if self.kind == "index" and self.action in ("create", "drop"):
                return (Part(self.action, "none"),)
            if self.kind == "constraint" and self.action == "create":
                return (Part("create"), Part("validate", "own"))
            if self.action == "add_constraint" and self.detail == "check":
                return (Part("add_constraint"), Part("validate_constraint", "own"))
            if self.action == "add_constraint" and self.detail == "exclude":
                return (Part("add_constraint"),)  # no NOT VALID, no USING INDEX: built under its lock
            if self.action == "add_constraint":  # primary key or unique: build its index first
                return (Part("add_constraint_index", "none"), Part("add_constraint"))
        return (Part(self.action),)

    @property
    def destructive(self) -> str | None:
        """What data applying this op can lose (None when it cannot lose any)."""
        obj = self.obj
        if self.action == "drop" and obj.id.kind in ("table", "sequence"):
            return f"{obj.id.kind} {obj.id.qualified} and all its data"
        if self.action in ("drop_column", "add_column") and self.detail == "readd":
            return None  # a generated column, computed again from its expression
        if self.action == "drop_column":
            return f"column {obj.id.qualified}.{self.part.name} and its data"
        if self.action == "alter_column":
            return column_loss(obj, self.old_part, self.part)
        if self.action == "alter" and isinstance(obj, EnumIR) and isinstance(self.old, EnumIR):
            lost = [v for v in self.old.values if v not in obj.values]
            if lost:
                return (f"enum values {', '.join(map(repr, lost))} of type {obj.id.qualified} "
                        "(rows holding them cannot be converted)")
        if self.action == "add_column" and not self.part.nullable and self.part.default is None \
                and self.detail != "backfill" \
                and not self.part.identity and not self.part.generated:
            return (f"column {obj.id.qualified}.{self.part.name} is added NOT NULL without a default "
                    "(fails on a table with rows)")
        return None

    def __str__(self) -> str:
        what = f"{self.action} {self.obj.id}"
        if isinstance(self.part, (Column, KeyConstraint, CheckConstraint)):
            what += f" {self.part.name}"
        return what


def base_type(t: str) -> str:
    """``varchar(20)`` → ``varchar``; lower case, single spaces."""
    t = " ".join(t.lower().split())
    return t.split("(", 1)[0].strip()


def _type_size(t: str) -> int | None:
    if "(" not in t:
        return None
    inner = t.split("(", 1)[1].split(")", 1)[0].split(",")[0]
    return int(inner) if inner.strip().isdigit() else None


def type_narrows(old: str, new: str) -> bool:
    """Whether casting a column from ``old`` to ``new`` can lose or reject data."""
    o, n = " ".join(old.lower().split()), " ".join(new.lower().split())
    if o == n:
        return False
    bo, bn = base_type(o), base_type(n)
    if bo == bn:
        so, sn = _type_size(o), _type_size(n)
        return not (sn is None or (so is not None and sn >= so))
    return bn not in WIDENING.get(bo, set())


def column_loss(table: Obj, old: Column, new: Column) -> str | None:
    """Data an in-place column change can lose or refuse: type narrowing, SET NOT NULL."""
    name = f"{table.id.qualified}.{new.name}"
    if type_narrows(old.type, new.type):
        return f"column {name} narrows from {old.type} to {new.type} (values may be cut or rejected)"
    if (old.nullable and old.identity is None) and not (new.nullable and new.identity is None):
        return f"column {name} becomes NOT NULL (fails while rows hold NULL)"
    if old.generated != new.generated and new.generated is not None:
        return f"column {name} is re-computed from a new expression"
    return None


@dataclass(frozen=True, slots=True)
class Plan:
    """An ordered list of operations that takes one model state to another."""

    ops: tuple[Op, ...]

    def inverse(self) -> Plan:
        """The plan that undoes this one: each op inverted, in reverse order."""
        return Plan(tuple(op.inverse() for op in reversed(self.ops)))

    @property
    def transactional(self) -> bool:
        """Whether the whole plan can run in one transaction (no CONCURRENTLY, no separate validation)."""
        return all(p.txn == "main" for op in self.ops for _, p in op.steps())

    def destructive(self) -> list[tuple[Op, str]]:
        """Each op that can lose data, with what it loses."""
        return [(op, loss) for op in self.ops if (loss := op.destructive)]

    def __bool__(self) -> bool:
        return bool(self.ops)

    def __add__(self, other: Plan) -> Plan:
        return Plan(self.ops + other.ops)
