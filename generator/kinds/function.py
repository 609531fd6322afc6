"""Functions: ``CREATE OR REPLACE`` when arguments and result are unchanged, else replaced (with
the policies and triggers Postgres ties to them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import Argument, FunctionIR, Obj
from ..ir.sql import SqlRefs, plpgsql_refs, plpgsql_wrapper, statement_refs, type_refs
from ..plan.ops import AlterObject, Op
from ..quoting import quote_ident
from ..sqlan.types import spelling
from . import Kind, KindDef, register

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, FunctionIR) and isinstance(after, FunctionIR)
    same = (before.arguments == after.arguments and before.returns == after.returns
            and before.returns_table == after.returns_table)
    return [AlterObject(after, before, online)] if same else None


def build_function(b: Builder, d: s.Function, mig: int, path: tuple[Any, ...]) -> None:
    """A function of ``migrations[].functions``: its identity includes its input argument types; its
    argument and result types, defaults and body are parsed for what they use."""
    b.ident(d.name, path + ("name",), "function name")
    args = tuple(Argument(name=a.name, type=a.type, default=a.default, mode=a.mode) for a in d.arguments)
    in_types = tuple(spelling(a.type) for a in args if a.mode in ("in", "inout", "variadic"))
    if d.returns is None and not d.returns_table:
        b.error(path, f"function {d.name!r} needs `returns` or `returns_table`")
    if d.returns and d.returns_table:
        b.error(path + ("returns_table",), "give either `returns` or `returns_table`, not both")
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    for i, a in enumerate(d.arguments):
        if a.name is not None:
            b.ident(a.name, path + ("arguments", i, "name"), "argument name")
        sql.append(("argument type", b.sql(a.type, path + ("arguments", i, "type"), "type", type_refs),
                    path + ("arguments", i, "type")))
        sql.append(("argument default", b.sql(a.default, path + ("arguments", i, "default"),
                                              "default"), path + ("arguments", i)))
    for i, c in enumerate(d.returns_table):
        b.ident(c.name, path + ("returns_table", i, "name"), "returned column name")
        rp = path + ("returns_table", i, "type")
        sql.append(("return type", b.sql(c.type, rp, f"returned column {c.name!r} type", type_refs), rp))
    if d.returns and d.returns != "trigger":
        ret = d.returns[6:] if d.returns.lower().startswith("setof ") else d.returns
        sql.append(("return type", b.sql(ret, path + ("returns",), "return type", type_refs),
                    path + ("returns",)))
    fn = FunctionIR(
        id=ObjectId(Kind.FUNCTION, d.schema_, d.name, args=in_types), migration=mig, arguments=args,
        returns=d.returns, returns_table=tuple((c.name, c.type) for c in d.returns_table),
        language=d.language, body=d.body if d.verbatim else d.body.strip(), verbatim=d.verbatim,
        volatility=d.volatility,
        security_definer=d.security == "definer", search_path=d.search_path, strict=d.strict,
        leakproof=d.leakproof, parallel=d.parallel, comment=d.comment, description=d.description,
        pos=b.pos(path), grants=b.grants(d.grants, path + ("grants",)),
        revoke_from=b.revoke_from, renamed_from=d.renamed_from,
    )
    for g in d.grants:
        if set(g.privileges) - {"execute", "all"}:
            b.error(path + ("grants",), "functions only take the `execute` privilege")
    if d.language == "sql":
        body = b.sql(d.body, path + ("body",), f"function {d.name!r} body", statement_refs)
    else:
        table_cols = ", ".join(f"{quote_ident(c.name)} {c.type}" for c in d.returns_table)
        returns = d.returns or f"TABLE ({table_cols})"
        wrapped = plpgsql_wrapper(fn.body, [(a.mode, a.name, a.type) for a in args], returns)
        body = b.sql(wrapped, path + ("body",), f"function {d.name!r} body", plpgsql_refs)
    sql.append(("body", body, path + ("body",)))
    b.add(fn, path, [ObjectId(Kind.SCHEMA, "", d.schema_)], sql)


FUNCTION = register(KindDef(kind=Kind.FUNCTION, ir=FunctionIR, keyword="FUNCTION", template_dir="function",
                            namespace="function", routine=True, plural="functions", alter=_alter,
                            alembic_entity="PGFunction", api_default_grant=True, docs_section="functions",
                            docs_heading=True, section="functions", build=build_function,
                            public_default="EXECUTE"))
