"""Materialized views: replaced (with their indexes) unless only the comment or grants changed."""

from __future__ import annotations

from ..ir.model import MaterializedViewIR
from ..plan.ops import AEL, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import only


def _lock(op: Op, part: Part) -> Lock:
    """Creating one computes its rows under ACCESS EXCLUSIVE; anything else is brief."""
    name = op.obj.id.qualified
    if part.action == "create":
        return Lock(AEL, f"{AEL} on {name}; computes its rows")
    return brief(AEL, name)


MATERIALIZED_VIEW = register(KindDef(
    kind=Kind.MATERIALIZED_VIEW, ir=MaterializedViewIR, keyword="MATERIALIZED VIEW", grant_keyword="TABLE",
    template_dir="materialized_view", namespace="relation", relation=True, tracked=True,
    plural="materialized views", alter=only(), lock=_lock, alembic_entity="PGMaterializedView",
    columns="query", api_default_grant=True, docs_section="matviews", docs_heading=True))
