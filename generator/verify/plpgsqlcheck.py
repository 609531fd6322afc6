"""``plpgsql_check`` in ``schemagen verify``: every PL/pgSQL body checked against the real catalog.

pglast proves a body parses; it cannot see a misspelt column, a wrong type or an unused variable.
After the migrations are applied, ``plpgsql_check_function_tb`` checks each PL/pgSQL function (a
trigger function with the relation of one of its triggers). Errors fail verify, located at the
function's position in the spec; warnings are reported and can be waived like lint findings::

    lint:
      waive:
        - {rule: plpgsql-check-warning, object: function public.f, reason: why it is fine}

Where the extension is not installed (the embedded server) the step says so and is skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg

from generator.ir.model import FunctionIR, Model, TriggerIR
from generator.kinds import Kind
from generator.lint.rules_verify import PLPGSQL_CHECK
from generator.quoting import quote_ident

if TYPE_CHECKING:
    from .run import Outcome, VerifyContext

_CHECK = """
select level, lineno, message, coalesce(detail, ''), coalesce(hint, '')
  from plpgsql_check_function_tb(%s::regprocedure, %s::regclass, fatal_errors => false,
                                 other_warnings => true, extra_warnings => true)
"""


def _signature(fn: FunctionIR) -> str:
    oid = fn.id
    return f"{quote_ident(oid.schema)}.{quote_ident(oid.name)}({', '.join(oid.args)})"


def trigger_relation(model: Model, fn: FunctionIR) -> str | None:
    """The relation (quoted ``schema.name``) of the first trigger that calls ``fn``, if any."""
    for obj in model.of_kind(Kind.TRIGGER):
        if isinstance(obj, TriggerIR) and obj.function == fn.id:
            return f"{quote_ident(obj.on.schema)}.{quote_ident(obj.on.name)}"
    return None


def _waived(ctx: VerifyContext) -> set[str]:
    """Functions (``function public.f`` and ``function public.f(args)``) whose warnings are waived."""
    lint = ctx.result.loaded.spec.lint
    return {w.object for w in (lint.waive if lint else ()) if w.rule == PLPGSQL_CHECK}


def check_bodies(ctx: VerifyContext) -> Outcome:
    """Run plpgsql_check on every PL/pgSQL function of the model (the extension is dropped after)."""
    from .run import Outcome

    model = ctx.result.model
    functions = [o for o in model.of_kind(Kind.FUNCTION) if isinstance(o, FunctionIR) and o.language == "plpgsql"]
    if not functions:
        return Outcome(skipped=True, note="no PL/pgSQL function")
    conn = ctx.conn
    available = conn.execute("select exists (select from pg_available_extensions "
                             "where name = 'plpgsql_check')").fetchone()
    if not (available and available[0]):
        return Outcome(skipped=True, note="plpgsql_check is not available on this server: PL/pgSQL "
                                          "bodies were only parsed (install postgresql-<version>-plpgsql-check)")
    created = conn.execute("select not exists (select from pg_extension where extname = 'plpgsql_check')").fetchone()
    if created and created[0]:
        conn.execute("CREATE EXTENSION plpgsql_check")
    problems: list[str] = []
    warnings: list[str] = []
    waived = _waived(ctx)
    skipped = 0
    try:
        for fn in functions:
            relation = None
            if (fn.returns or "").lower() == "trigger":
                relation = trigger_relation(model, fn)
                if relation is None:
                    skipped += 1  # a trigger function no trigger uses: nothing to check it against
                    continue
            try:
                rows = conn.execute(_CHECK, (_signature(fn), relation or 0)).fetchall()
            except psycopg.Error as exc:
                problems.append(f"{fn.pos}: {fn.id}: plpgsql_check failed: {' '.join(str(exc).split())}")
                continue
            is_waived = {str(fn.id), f"function {fn.id.schema}.{fn.id.name}"} & waived
            for level, lineno, message, detail, hint in rows:
                extra = "".join(f"; {x}" for x in (detail, hint) if x)
                where = f"body line {lineno}: " if lineno is not None else ""
                text = f"{fn.pos}: {fn.id}: {where}{level}: {message}{extra}"
                if level == "error":
                    problems.append(text)
                elif not is_waived:
                    warnings.append(text)
    finally:
        if created and created[0]:
            conn.execute("DROP EXTENSION plpgsql_check")
    note = f"{len(functions) - skipped} PL/pgSQL functions checked"
    if warnings:
        note += f"; {len(warnings)} warnings (waive with rule {PLPGSQL_CHECK}): " + " | ".join(warnings)
    return Outcome(problems=tuple(problems), note=note)
