"""Shared in-place strategies for kind modules."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..ir.model import Obj
from ..plan.ops import AlterObject, Op

#: Fields that never need more than COMMENT ON / GRANT / REVOKE.
SIDE_FIELDS = ("comment", "grants", "revoke_from")


def unchanged_but(before: Obj, after: Obj, *fields: str) -> bool:
    """Whether ``before`` and ``after`` differ in nothing but ``fields`` (and the side fields)."""
    allowed = set(fields) | set(SIDE_FIELDS)
    return all(getattr(before, f.name) == getattr(after, f.name)
               for f in dataclasses.fields(before) if f.compare and f.name not in allowed)


def in_place(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    """Every change is made in place (one ``alter`` op)."""
    return [AlterObject(after, before, online)]


def only(*fields: str) -> Callable[[Obj, Obj, bool], list[Op] | None]:
    """In place when nothing but ``fields`` (and comment and grants) changed, else replaced."""
    def alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
        return in_place(before, after, online) if unchanged_but(before, after, *fields) else None
    return alter
