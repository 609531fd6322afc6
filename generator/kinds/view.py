"""Views: ``CREATE OR REPLACE`` when the select list is unchanged, else replaced with the views on
them; granted as tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import MaterializedViewIR, Obj, ViewColumn, ViewIR
from ..ir.sql import query_refs
from ..plan.ops import AEL, Lock, Op, Part, ReplaceView, brief
from ..spec import models as s
from . import Kind, KindDef, register
from ._alter import unchanged_but
from .index import build_index
from .trigger import build_trigger

if TYPE_CHECKING:
    from ..ir.build import Builder


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    from ..plan.strategy import select_list

    assert isinstance(before, ViewIR) and isinstance(after, ViewIR)
    ok = unchanged_but(before, after, "query", "security_invoker", "security_barrier", "check_option")
    same = select_list(before.query) == select_list(after.query) is not None
    return [ReplaceView(after, before, online)] if ok and same else None


def _lock(op: Op, part: Part) -> Lock:
    """A brief ACCESS EXCLUSIVE on the view for any change."""
    return brief(AEL, f"view {op.obj.id.qualified}")


def build_view(b: Builder, d: s.View | s.MaterializedView, mig: int, path: tuple[Any, ...]) -> None:
    """A view (``migrations[].views``) or materialized view (``migrations[].materialized_views``),
    with the triggers of a view and the indexes of a materialized view."""
    kind = Kind.VIEW if isinstance(d, s.View) else Kind.MATERIALIZED_VIEW
    b.ident(d.name, path + ("name",), f"{kind} name")
    refs = b.sql(d.query, path + ("query",), f"{kind} {d.schema_}.{d.name}: query", query_refs)
    vid = ObjectId(kind, d.schema_, d.name)
    common: dict[str, Any]  # the fields ViewIR and MaterializedViewIR share
    common = dict(id=vid, migration=mig, query=d.query.strip().rstrip("; \t\r\n"), comment=d.comment,
                  description=d.description, pos=b.pos(path),
                  grants=b.grants(d.grants, path + ("grants",)), revoke_from=b.revoke_from,
                  columns=tuple(ViewColumn(name=c.name, type=c.type, nullable=c.nullable, shape=c.shape,
                                             pos=b.pos(path + ("columns", i)))
                                for i, c in enumerate(d.columns)))
    if isinstance(d, s.View):
        obj: Obj = ViewIR(security_invoker=d.security_invoker, security_barrier=d.security_barrier,
                              check_option=d.check_option, **common)
    else:
        obj = MaterializedViewIR(with_data=d.with_data, refresh=d.refresh, **common)
    b.add(obj, path, [ObjectId(Kind.SCHEMA, "", d.schema_)], [("query", refs, path + ("query",))])
    if isinstance(d, s.View):
        for i, t in enumerate(d.triggers):
            build_trigger(b, t, vid, None, mig, path + ("triggers", i))
    if isinstance(d, s.MaterializedView):
        for i, ix in enumerate(d.indexes):
            build_index(b, ix, vid, None, mig, path + ("indexes", i))


VIEW = register(KindDef(kind=Kind.VIEW, ir=ViewIR, keyword="VIEW", grant_keyword="TABLE", template_dir="view",
                        namespace="relation", relation=True, tracked=True, plural="views", alter=_alter,
                        lock=_lock, alembic_entity="PGView", columns="query", api_default_grant=True,
                        docs_section="views", docs_heading=True,
                        names_type=True, section="views", build=build_view))
