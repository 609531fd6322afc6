"""spec → ir for procedures (``procedures:``): arguments, body (parsed like a function's) and grants.

A procedure lives in the function namespace: Postgres refuses a function and a procedure with the
same name and input argument types in one schema, and so does the spec (located errors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..kinds import Kind
from ..quoting import dollar_quote, quote_ident
from ..spec import models as s
from . import model as m
from .ids import ObjectId
from .sql import SqlRefs, plpgsql_refs, statement_refs, type_refs

if TYPE_CHECKING:
    from .build import Builder


def plpgsql_procedure(body: str, args: list[tuple[str, str | None, str]]) -> str:
    """A CREATE PROCEDURE around a PL/pgSQL body (its parser only takes whole statements)."""
    params = ", ".join(("" if mode == "in" else mode.upper() + " ") + (f"{quote_ident(n)} {t}" if n else t)
                       for mode, n, t in args)
    return f"CREATE PROCEDURE p({params}) LANGUAGE plpgsql AS {dollar_quote(body)}"


def build_procedure(b: Builder, d: s.Procedure, mig: int, path: tuple[Any, ...]) -> None:
    """Add procedure ``d`` to the model being built."""
    b.ident(d.name, path + ("name",), "procedure name")
    args = tuple(m.Argument(name=a.name, type=a.type, default=a.default, mode=a.mode) for a in d.arguments)
    in_types = tuple(" ".join(a.type.lower().split()) for a in args if a.mode in ("in", "inout", "variadic"))
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    for i, a in enumerate(d.arguments):
        ap = path + ("arguments", i)
        if a.name is not None:
            b.ident(a.name, ap + ("name",), "argument name")
        sql.append(("argument type", b.sql(a.type, ap + ("type",), "type", type_refs), ap + ("type",)))
        sql.append(("argument default", b.sql(a.default, ap + ("default",), "default"), ap))
    for g in d.grants:
        if set(g.privileges) - {"execute", "all"}:
            b.error(path + ("grants",), "procedures only take the `execute` privilege")
    proc = m.ProcedureIR(
        id=ObjectId(Kind.PROCEDURE, d.schema_, d.name, args=in_types), migration=mig, arguments=args,
        language=d.language, body=d.body if d.verbatim else d.body.strip(), verbatim=d.verbatim,
        security_definer=d.security == "definer", search_path=d.search_path, comment=d.comment,
        description=d.description, pos=b.pos(path), grants=b.grants(d.grants, path + ("grants",)),
        revoke_from=b.revoke_from, renamed_from=d.renamed_from,
    )
    if d.language == "sql":
        body = b.sql(d.body, path + ("body",), f"procedure {d.name!r} body", statement_refs)
    else:
        wrapped = plpgsql_procedure(proc.body, [(a.mode, a.name, a.type) for a in args])
        body = b.sql(wrapped, path + ("body",), f"procedure {d.name!r} body", plpgsql_refs)
    sql.append(("body", body, path + ("body",)))
    b.add(proc, path, [ObjectId(Kind.SCHEMA, "", d.schema_)], sql)


def check_procedures(b: Builder) -> None:
    """A procedure may not share a function's name and input argument types (one pg_proc namespace)."""
    for oid, p in b.pending.items():
        if oid.kind is Kind.PROCEDURE:
            twin = ObjectId(Kind.FUNCTION, oid.schema, oid.name, args=oid.args)
            if twin in b.pending:
                b.error(p.path + ("name",), f"{oid} has the same name and argument types as {twin} "
                                            f"(declared at {b.pending[twin].obj.pos})")
