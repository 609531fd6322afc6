"""Views: ``CREATE OR REPLACE`` when the select list is unchanged, else replaced with the views on
them; granted as tables."""

from __future__ import annotations

from ..ir.model import Obj, ViewIR
from ..plan.ops import AEL, AlterObject, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import unchanged_but


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    from ..plan.strategy import select_list

    assert isinstance(before, ViewIR) and isinstance(after, ViewIR)
    ok = unchanged_but(before, after, "query", "security_invoker", "security_barrier", "check_option")
    same = select_list(before.query) == select_list(after.query) is not None
    return [AlterObject(after, before, online)] if ok and same else None


def _lock(op: Op, part: Part) -> Lock:
    """A brief ACCESS EXCLUSIVE on the view for any change."""
    return brief(AEL, f"view {op.obj.id.qualified}")


VIEW = register(KindDef(kind=Kind.VIEW, ir=ViewIR, keyword="VIEW", grant_keyword="TABLE", template_dir="view",
                        namespace="relation", relation=True, tracked=True, plural="views", alter=_alter,
                        lock=_lock, alembic_entity="PGView", columns="query", api_default_grant=True,
                        docs_section="views", docs_heading=True))
