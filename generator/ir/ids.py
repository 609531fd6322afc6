"""Object identity: the one place that knows how objects are named and compared."""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import Kind


@dataclass(frozen=True, slots=True)
class ObjectId:
    """Identity of a database object.

    ``table`` is set for objects whose names are scoped by a relation (constraints, policies,
    triggers); ``args`` holds a function's input argument types, which are part of its identity.
    """

    kind: Kind
    schema: str
    name: str
    table: str | None = None
    args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if type(self.kind) is not Kind:
            object.__setattr__(self, "kind", Kind(self.kind))  # a word from a history file or a caller

    @property
    def qualified(self) -> str:
        """``schema.name`` (unquoted, for messages and sorting)."""
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def sort_key(self) -> tuple[int, str, str, str, str, tuple[str, ...]]:
        """Deterministic tie-break order: kind rank (the registry's), then names."""
        return (self.kind.rank, self.schema, self.table or "", self.name, self.kind, self.args)

    def relation(self) -> ObjectId:
        """The table (or view) a scoped object belongs to."""
        assert self.table is not None, self
        return ObjectId(Kind.TABLE, self.schema, self.table)

    def __str__(self) -> str:
        scope = f"{self.schema}.{self.table}." if self.table else (f"{self.schema}." if self.schema else "")
        args = f"({', '.join(self.args)})" if self.kind.spec.namespace == "function" else ""
        return f"{self.kind} {scope}{self.name}{args}"
