"""Rules that ``schemagen verify`` checks on a real database, registered here so that they are
listed by ``schemagen lint --rules`` and can be waived under ``lint: waive:`` like any other rule."""

from __future__ import annotations

from collections.abc import Iterator

from .engine import VERIFY_RULES, Context, Finding, rule

PLPGSQL_CHECK = "plpgsql-check-warning"
VERIFY_RULES.add(PLPGSQL_CHECK)


@rule(PLPGSQL_CHECK, "warning", "plpgsql_check warns about a PL/pgSQL body (checked by `schemagen verify`).")
def _plpgsql_check(ctx: Context) -> Iterator[Finding]:
    return iter(())  # findings are made by generator.verify.plpgsqlcheck on the database
