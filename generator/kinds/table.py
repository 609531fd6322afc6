"""Tables: changed part by part with ``ALTER TABLE`` (:mod:`generator.plan.tables`, the column and
constraint ops of :mod:`generator.plan.ops`), never replaced for a change; dropping one loses its rows."""

from __future__ import annotations

from ..ir.model import TableIR
from ..plan.ops import AEL, NO_REWRITE, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import in_place


def _lock(op: Op, part: Part) -> Lock:
    """Create, drop, rename or alter the table itself (its parts' ops know their own locks)."""
    name = op.obj.id.qualified
    if part.action == "create":
        return Lock(AEL, f"{AEL} on {name} (new, empty); {NO_REWRITE}")
    if part.action == "drop":
        return Lock(AEL, f"{AEL} on {name}; drops it and its rows")
    if part.action == "alter" and isinstance(op.obj, TableIR) and isinstance(op.old, TableIR) and \
            (op.obj.rls_enable, op.obj.rls_force) == (op.old.rls_enable, op.old.rls_force):
        return Lock(None, f"no table lock (privileges, comments); {NO_REWRITE}")
    return brief(AEL, name)


TABLE = register(KindDef(kind=Kind.TABLE, ir=TableIR, keyword="TABLE", template_dir="table",
                         namespace="relation", relation=True, holds_data=True, plural="tables",
                         alter=in_place, lock=_lock, columns="declared", api_default_grant=True,
                         docs_section="tables", docs_heading=True))
