"""The lock each step of a migration takes and whether it rewrites a table, in words.

Every step of a migration on a live database says it in a comment (``-- lock: ACCESS EXCLUSIVE on
public.t; rewrites the table``), so a reviewer sees what blocks whom before running it. The
levels follow the Postgres documentation of each statement (``ALTER TABLE`` sub-commands,
``CREATE INDEX [CONCURRENTLY]``, ``CREATE POLICY``, ``CREATE TRIGGER``, ``VALIDATE CONSTRAINT``).

The knowledge lives with the operations (:meth:`generator.plan.ops.Op.lock`): the ops on a
table's parts know their own locks, and an op on a whole object asks its kind's registry entry
(``KindDef.lock``, defined in the kind's module with the helpers here).
"""

from __future__ import annotations

from ..ir.model import Obj
from ..sqlan.types import type_change_rewrites as type_change_rewrites  # the type rules live with TypeRef
from .ops import AEL, NO_REWRITE, REWRITE, SUE, VOLATILE_DEFAULTS, Lock, Op, Part, brief

__all__ = ["AEL", "NO_REWRITE", "REWRITE", "SUE", "VOLATILE_DEFAULTS", "Lock", "brief", "lock_note",
           "relation_name", "type_change_rewrites"]


def lock_note(op: Op, part: Part) -> str:
    """``LOCK on RELATION; rewrites the table`` (or ``no rewrite``) for one step of ``op``."""
    return op.lock(part).note


def relation_name(obj: Obj) -> str:
    """The relation an object's lock falls on: the one it is on (or scoped in), else itself."""
    on = getattr(obj, "on", None)
    if on is not None:
        return str(on.qualified)
    return obj.id.relation().qualified if obj.id.table else obj.id.qualified
