"""One module per object kind: its catalog query and its conversion into the spec's YAML shape.

Each module has ``read(cat) -> list[Item]``. An :class:`Item` is either top-level (a section of
the migration: ``schemas``, ``tables``, …) or a child of a relation (``indexes``, ``policies``,
``triggers``, ``foreign_keys`` of a table, view or materialized view). They are meant to move
into the object-kind registry (one module per kind) when it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Item:
    """One pulled object in the spec's shape, and where it goes."""

    section: str  # migration section, or the child list of its relation
    schema: str
    name: str
    data: dict[str, Any]
    parent: str | None = None  # the relation's name (same schema) for children

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.schema, self.parent or "", self.name)


def omit_defaults(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the keys whose value is the spec's default (and without None values)."""
    return {k: v for k, v in data.items()
            if v is not None and not (k in defaults and defaults[k] == v) and v != []}
