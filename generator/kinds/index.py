"""Indexes: replaced (concurrently on a live table) unless only the comment changed; Postgres
rebuilds them itself when a column of their table is retyped."""

from __future__ import annotations

from ..ir.model import IndexIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, NO_REWRITE, SUE, Lock, Op, Part, Txn, brief
from . import Kind, KindDef, register
from ._alter import only


def _lock(op: Op, part: Part) -> Lock:
    """SHARE while it builds (writes wait), SHARE UPDATE EXCLUSIVE built or dropped CONCURRENTLY,
    a brief ACCESS EXCLUSIVE to drop it, SHARE UPDATE EXCLUSIVE on the index to rename or comment."""
    rel = relation_name(op.obj)
    if part.action in ("create", "drop") and part.txn == Txn.NONE:
        return Lock(SUE, f"{SUE} on {rel} (CONCURRENTLY: reads and writes go on); {NO_REWRITE}")
    if part.action == "create":
        return Lock("SHARE", f"SHARE on {rel} (writes wait while it builds); {NO_REWRITE}")
    if part.action == "drop":
        return brief(AEL, rel)
    return Lock(SUE, f"{SUE} on index {op.obj.id.qualified} (brief); {NO_REWRITE}")


INDEX = register(KindDef(kind=Kind.INDEX, ir=IndexIR, keyword="INDEX", template_dir="index",
                         namespace="relation", tracked=True, plural="indexes", alter=only(), lock=_lock,
                         concurrently=True, rebuilt_with_table=True, derived_name=True))
