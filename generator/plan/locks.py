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
from .ops import AEL, NO_REWRITE, REWRITE, SUE, VOLATILE_DEFAULTS, Lock, Op, Part, base_type, brief

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


def _size(t: str) -> tuple[int, ...] | None:
    if "(" not in t:
        return None
    inner = t.split("(", 1)[1].split(")", 1)[0]
    try:
        return tuple(int(x) for x in inner.split(","))
    except ValueError:
        return None


def type_change_rewrites(old: str, new: str) -> bool:
    """Whether ``ALTER COLUMN … TYPE`` from ``old`` to ``new`` rewrites the table (and its indexes).

    Known binary-coercible changes do not: a longer or unlimited ``varchar``, ``varchar`` to
    ``text``, a ``numeric`` with more precision and the same scale, or an unconstrained one.
    """
    o, n = " ".join(old.lower().split()), " ".join(new.lower().split())
    bo, bn = base_type(o), base_type(n)
    varchar = ("varchar", "character varying")
    if bo in varchar:
        size = _size(n)
        if bn == "text" or (bn in varchar and (size is None or (_size(o) or (10**9,))[0] <= size[0])):
            return False
    if bo == bn == "numeric":
        so, sn = _size(o), _size(n)
        if sn is None:
            return False
        if so is not None and len(so) == len(sn) == 2 and so[1] == sn[1] and sn[0] >= so[0]:
            return False
    return True
