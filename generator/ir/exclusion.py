"""Exclusion constraints of a table (``exclude:``): spec → ir, their SQL checks and dependencies.

An exclusion constraint is part of its table, like a check: created inside ``CREATE TABLE``, added
with ``ALTER TABLE … ADD CONSTRAINT`` to a table that exists, renamed in place, and replaced (drop,
then add, in the migration's one transaction) for any other change. Element expressions and the
``WHERE`` predicate are parsed as expressions (:func:`expression_refs`) and must name columns of the
table; an operator class is a (qualified) name. The table depends on the extension that lends the
operator classes: ``btree_gist`` for a ``gist`` constraint (scalar ``=`` needs it), and every
declared extension living in the schema an explicit operator class names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..kinds import Kind
from ..spec import models as s
from .ids import ObjectId
from .model import ExclusionConstraint, ExclusionElement
from .sql import SqlRefs, qualified_name_problem

if TYPE_CHECKING:
    from .build import Builder

#: Extensions that give the ``gist`` method operator classes for scalar types (``room_id WITH =``).
GIST_SCALAR_EXTENSIONS = ("btree_gist",)


def element_parts(elements: Iterable[ExclusionElement], columns_of: Callable[[str], list[str]]) -> list[str]:
    """The name parts of the default constraint name: each column, or the first column an
    expression names (``expr`` when it names none), as for indexes."""
    out = []
    for e in elements:
        if e.column is not None:
            out.append(e.column)
        else:
            cols = columns_of(e.expression or "")
            out.append(cols[0] if cols else "expr")
    return out


def _lookup(columns: dict[str, list[str]]) -> Callable[[str], list[str]]:
    def of(expression: str) -> list[str]:
        return columns.get(expression, [])
    return of


def build_excludes(b: Builder, d: s.Table, colset: set[str], cname: Callable[..., str],
                   path: tuple[Any, ...]) -> tuple[list[ExclusionConstraint],
                                                   list[tuple[str, SqlRefs | None, tuple[Any, ...]]],
                                                   set[ObjectId]]:
    """The exclusion constraints of table ``d``, the SQL they hold (for dependencies) and the
    extensions they need."""
    out: list[ExclusionConstraint] = []
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    deps: set[ObjectId] = set()
    extensions = {e.name: e.schema_ for mig in b.spec.migrations for e in mig.extensions}
    for i, x in enumerate(d.exclude):
        xp = path + ("exclude", i)
        elements: list[ExclusionElement] = []
        expr_cols: dict[str, list[str]] = {}
        for j, e in enumerate(x.elements):
            ep = xp + ("elements", j)
            if (e.column is None) == (e.expression is None):
                b.error(ep, "an exclusion element needs exactly one of `column` or `expression`")
            if e.column is not None and e.column not in colset:
                b.error(ep + ("column",), f"exclusion constraint uses unknown column {e.column!r} of {d.name!r}")
            if e.expression is not None:
                refs = b.sql(e.expression, ep + ("expression",), "exclusion element")
                sql.append(("exclusion element", refs, ep + ("expression",)))
                b.columns_in(refs, colset, d.name, ep + ("expression",), "exclusion element")
                expr_cols[e.expression] = sorted(refs.columns) if refs else []
            if e.opclass is not None:
                problem = qualified_name_problem(e.opclass)
                if problem:
                    b.error(ep + ("opclass",), f"operator class {e.opclass!r}: {problem}")
                elif "." in e.opclass:
                    sch = e.opclass.split(".", 1)[0]
                    deps.update(ObjectId(Kind.EXTENSION, "", n) for n, es in extensions.items() if es == sch)
            elements.append(ExclusionElement(column=e.column, expression=e.expression, opclass=e.opclass,
                                             operator=e.with_))
        where = b.sql(x.where, xp + ("where",), "exclusion predicate")
        b.columns_in(where, colset, d.name, xp + ("where",), "exclusion predicate")
        sql.append(("exclusion predicate", where, xp + ("where",)))
        for k, c in enumerate(x.include):
            if c not in colset:
                b.error(xp + ("include", k), f"exclusion constraint includes unknown column {c!r} of {d.name!r}")
        if x.using == "gist":
            deps.update(ObjectId(Kind.EXTENSION, "", n) for n in GIST_SCALAR_EXTENSIONS if n in extensions)
        parts = element_parts(elements, _lookup(expr_cols))
        out.append(ExclusionConstraint(
            name=cname(x.name, parts, "excl", xp + ("name",) if x.name else xp), elements=tuple(elements),
            method=x.using, where=x.where, include=tuple(x.include), deferrable=x.deferrable,
            initially=x.initially, comment=x.comment, pos=b.pos(xp)))
    return out, sql, deps
