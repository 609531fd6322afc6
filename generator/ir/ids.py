"""Object identity: the one place that knows how objects are named and compared."""

from __future__ import annotations

from dataclasses import dataclass

#: Creation rank of each kind, used only to break ties between independent objects.
KIND_RANK: dict[str, int] = {
    "schema": 0,
    "extension": 1,
    "type": 2,
    "sequence": 3,
    "function": 4,
    "table": 5,
    "constraint": 6,
    "view": 7,
    "materialized view": 8,
    "index": 9,
    "trigger": 10,
    "policy": 11,
    "job": 12,
    "raw": 13,
}


@dataclass(frozen=True, slots=True)
class ObjectId:
    """Identity of a database object.

    ``table`` is set for objects whose names are scoped by a relation (constraints, policies,
    triggers); ``args`` holds a function's input argument types, which are part of its identity.
    """

    kind: str
    schema: str
    name: str
    table: str | None = None
    args: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        """``schema.name`` (unquoted, for messages and sorting)."""
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def sort_key(self) -> tuple[int, str, str, str, str, tuple[str, ...]]:
        """Deterministic tie-break order: kind rank, then names."""
        return (KIND_RANK[self.kind], self.schema, self.table or "", self.name, self.kind, self.args)

    def relation(self) -> ObjectId:
        """The table (or view) a scoped object belongs to."""
        assert self.table is not None, self
        return ObjectId("table", self.schema, self.table)

    def __str__(self) -> str:
        scope = f"{self.schema}.{self.table}." if self.table else (f"{self.schema}." if self.schema else "")
        args = f"({', '.join(self.args)})" if self.kind == "function" else ""
        return f"{self.kind} {scope}{self.name}{args}"
