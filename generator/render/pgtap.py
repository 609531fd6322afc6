"""The spec's policy tests as pgTAP files: one per tested relation or function, runnable with
``pg_prove`` or ``supabase test db`` without schemagen.

The cases are the ones ``schemagen verify`` runs (:func:`generator.ir.policycases.compile_policy_tests`),
written the way Supabase's API runs a query: ``set_config('request.jwt.claims', …, true)`` and
``SET LOCAL ROLE``. A file is one transaction, rolled back at its end, with ``plan(n)``:

* a SELECT without setup is a plain pgTAP assertion run as the actor: ``results_eq`` on the
  fixture keys of the rows it sees, ``is_empty`` when it must see none, ``throws_ok`` when denied;
* every other case (a write, a function call, a case with setup) can change rows, so it runs in
  ``pg_temp.schemagen_case()``, which undoes its work before returning what it saw (``rows a,b``,
  ``count 3``, ``error 42501``), and ``is()`` compares that with what the spec expects. Each case
  thus sees the fixture data as seeded, as in verify.

Rows are named by fixture key (``acme_owner_conv``) through a temporary key table, so a failure
reads like verify's.
"""

from __future__ import annotations

import json
from collections import defaultdict

import psycopg
from psycopg import sql

from ..ir.ids import ObjectId
from ..ir.model import Model
from ..ir.policycases import Case, compile_policy_tests
from ..output import GeneratedFile
from ..quoting import quote_ident, quote_literal
from ..spec import LoadedSpec
from .env import environment
from .policysql import DENIED, build_statement

TEMPLATE = "pgtap/policy_tests.sql.j2"


def statement_text(case: Case) -> str:
    """The case's statement with its parameters inlined as literals (the file has no parameters)."""
    stmt, params = build_statement(case)
    text = stmt.as_string(None)
    return text % tuple(sql.Literal(p).as_string(None) for p in params) if params else text.replace("%%", "%")


def _sqlstate(error: str) -> str:
    """A SQLSTATE for a condition name (``unique_violation`` → ``23505``); a SQLSTATE is kept."""
    if len(error) == 5 and error.isalnum() and error.upper() == error:
        return error
    try:
        return psycopg.errors.lookup(error).sqlstate or error
    except KeyError:
        return error


def expected_text(case: Case) -> str:
    """What ``pg_temp.schemagen_case()`` returns when the case passes."""
    exp = case.expect
    if exp.kind == "denied":
        return f"error {DENIED}"
    if exp.kind == "error":
        return f"error {_sqlstate(exp.error)}"
    if exp.kind == "count":
        return f"count {exp.count}"
    return "rows " + ",".join(sorted(exp.rows))


def _key_expr(case: Case, alias: str) -> str:
    assert case.row_keys is not None
    return "concat_ws('/', " + ", ".join(f'{alias}."{c}"::text' for c in case.row_keys.columns) + ")"


def _assertion(case: Case) -> dict[str, str]:
    """How one case is written: ``kind`` (plain SQL assertion or isolated) and its SQL pieces."""
    stmt = statement_text(case)
    name = quote_literal(f"{case.name} ({case.pos})")
    claims = quote_literal(json.dumps(dict(case.actor.claims), sort_keys=True))
    role = quote_literal(case.actor.role)
    if case.command == "select" and not case.setup:
        exp = case.expect
        if exp.kind in ("denied", "error"):
            check = f"SELECT throws_ok({quote_literal(stmt)}, {quote_literal(expected_text(case)[6:])}, NULL, {name});"
        elif exp.kind == "count":
            check = (f"SELECT results_eq({quote_literal(f'SELECT count(*) FROM ({stmt}) q')}, "
                     f"$$VALUES ({exp.count}::bigint)$$, {name});")
        else:
            assert case.row_keys is not None
            keys = (f"SELECT coalesce(k.key, r.pk) FROM (SELECT {_key_expr(case, 'q')} AS pk FROM ({stmt}) q) r "
                    f"LEFT JOIN pg_temp.schemagen_keys k ON k.tbl = {quote_literal(str(case.row_keys.table))} "
                    "AND k.pk = r.pk ORDER BY coalesce(k.key, r.pk) COLLATE \"C\"")
            if not exp.rows:
                check = f"SELECT is_empty({quote_literal(keys)}, {name});"
            else:
                values = ", ".join(f"({quote_literal(k)})" for k in sorted(exp.rows))
                check = f"SELECT results_eq({quote_literal(keys)}, {quote_literal('VALUES ' + values)}, {name});"
        return {"kind": "plain", "claims": claims, "role": quote_ident(case.actor.role), "check": check}
    keytable = keycols = "NULL"
    if case.expect.kind == "rows" and case.row_keys is not None:
        t = case.row_keys.table
        keytable = quote_literal(str(t))
        keycols = quote_literal(", ".join(f'"{c}"::text' for c in case.row_keys.columns))
        relation = quote_literal(f'"{t.schema}"."{t.name}"')
    else:
        relation = "NULL"
    setup = "ARRAY[" + ", ".join(quote_literal(s) for s in case.setup) + "]::text[]"
    kind = quote_literal("write" if case.command in ("insert", "update", "delete") else "read")
    call = (f"pg_temp.schemagen_case({setup}, {claims}, {role}, {quote_literal(stmt)}, {kind}, "
            f"{relation}, {keytable}, {keycols})")
    return {"kind": "isolated", "check": f"SELECT is({call}, {quote_literal(expected_text(case))}, {name});"}


def _file_name(target: ObjectId, layout_dir: str) -> str:
    oid = target
    base = f"{oid.schema}_{oid.name}" if oid.schema != "public" else oid.name
    safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in base)
    return f"{layout_dir}/rls_{safe}.test.sql"


def render_pgtap(model: Model, loaded: LoadedSpec, folder: str, *, templates: str | None = None,
                 spec_name: str = "schema.yaml") -> list[GeneratedFile]:
    """One pgTAP file per tested relation or function under ``folder`` (none without ``tests:``)."""
    if loaded.spec.tests is None:
        return []
    cases = compile_policy_tests(model, loaded)
    by_target: dict[ObjectId, list[Case]] = defaultdict(list)
    for case in cases:
        by_target[case.target].append(case)
    env = environment(templates)
    files = []
    for target in sorted(by_target, key=lambda t: t.sort_key):
        group = by_target[target]
        keys: set[tuple[str, str, str]] = set()
        for case in group:
            if case.row_keys is not None:
                tbl = str(case.row_keys.table)
                keys |= {(tbl, "/".join(pk), key) for pk, key in case.row_keys.keys.items()}
        name = _file_name(target, folder)
        text = env.get_template(TEMPLATE).render(
            file_name=name, spec_name=spec_name, target=str(target), cases=[(c, _assertion(c)) for c in group],
            keys=sorted(keys), literal=quote_literal)
        files.append(GeneratedFile(name, text.rstrip("\n") + "\n"))
    return files
