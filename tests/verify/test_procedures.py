"""Procedures on real Postgres (tests/cases/procedures): CALL returns INOUT and OUT arguments, a
procedure without SET options commits inside its body, and EXECUTE is granted only as declared."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare

EXPECTED = Path(__file__).resolve().parents[1] / "cases" / "procedures" / "expected"


def test_call_arguments_commits_and_grants(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c, roles=[], cron=False)
        apply(c, "001.sql", (EXPECTED / "001_procedures.sql").read_text(encoding="utf-8"))
        c.execute("call public.record_event('signup')")
        c.execute("call public.record_event('signup')")
        c.execute("call public.archive_in_batches(1)")  # commits after each batch of one row
        assert c.execute("select count(*) from public.events where archived").fetchone() == (2,)
        assert c.execute("call public.count_events('signup', 10, null)").fetchone() == (12, 2)
        c.execute("set role authenticated")
        assert c.execute("call public.count_events('signup', 0, null)").fetchone() == (2, 2)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("call public.record_event('x')")  # granted to service_role only
        c.execute("reset role")
        with pytest.raises(psycopg.errors.InvalidTransactionTermination):
            with c.transaction():  # inside a transaction block a procedure cannot commit
                c.execute("call public.archive_in_batches()")
