"""Indexes: replaced (concurrently on a live table) unless only the comment changed; Postgres
rebuilds them itself when a column of their table is retyped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import IndexElement, IndexIR
from ..ir.names import index_name
from ..ir.sql import SqlRefs, qualified_name_problem
from ..plan.locks import relation_name
from ..plan.ops import AEL, NO_REWRITE, SUE, Lock, Op, Part, Txn, brief
from ..spec import models as s
from . import Kind, KindDef, register
from ._alter import only

if TYPE_CHECKING:
    from ..ir.build import Builder


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


def build_index(b: Builder, d: s.Index, on: ObjectId, colset: set[str] | None, mig: int,
                path: tuple[Any, ...]) -> None:
    """An index on ``on`` (a table's or a materialized view's ``indexes``); ``colset``: the columns of
    ``on`` when it is a table (each one the index names must be among them)."""
    elements: list[IndexElement] = []
    parts: list[str] = []
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    for i, e in enumerate(d.columns):
        ep = path + ("columns", i)
        el = IndexElement(column=e) if isinstance(e, str) else IndexElement(
            column=e.column, expression=e.expression, order=e.order, nulls=e.nulls, opclass=e.opclass)
        if el.opclass is not None and qualified_name_problem(el.opclass):
            b.error(ep + ("opclass",), f"operator class {el.opclass!r}: {qualified_name_problem(el.opclass)}")
        if isinstance(e, s.IndexColumn) and (e.column is None) == (e.expression is None):
            b.error(ep, "an index element needs exactly one of `column` or `expression`")
        if el.column is not None:
            parts.append(el.column)
            if colset is not None and el.column not in colset:
                b.error(ep, f"index uses unknown column {el.column!r} of {on.name!r}")
        elif el.expression:
            refs = b.sql(el.expression, ep + ("expression",), "index expression")
            sql.append(("expression", refs, ep))
            b.columns_in(refs, colset, on.name, ep + ("expression",), "index expression")
            parts.append(sorted(refs.columns)[0] if refs and refs.columns else "expr")
        elements.append(el)
    where = b.sql(d.where, path + ("where",), "index predicate")
    b.columns_in(where, colset, on.name, path + ("where",), "index predicate")
    sql.append(("where", where, path + ("where",)))
    for i, c in enumerate(d.include):
        if colset is not None and c not in colset:
            b.error(path + ("include", i), f"index includes unknown column {c!r} of {on.name!r}")
    mig = b.later(d.migration, mig, path)
    name = d.name or index_name(on.name, parts)
    b.ident(name, path + ("name",) if d.name else path, "index name")
    b.add(IndexIR(
        id=ObjectId(Kind.INDEX, on.schema, name), migration=mig, on=on, elements=tuple(elements),
        unique=d.unique, method=d.method, where=d.where, include=tuple(d.include),
        nulls_not_distinct=d.nulls_not_distinct, comment=d.comment, serves=d.serves, pos=b.pos(path),
        renamed_from=d.renamed_from,
    ), path, [on], sql)


INDEX = register(KindDef(kind=Kind.INDEX, ir=IndexIR, keyword="INDEX", template_dir="index",
                         namespace="relation", tracked=True, plural="indexes", alter=only(), lock=_lock,
                         concurrently=True, rebuilt_with_table=True, derived_name=True))
