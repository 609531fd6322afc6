"""Constraint triggers and transition tables on real Postgres (tests/cases/triggers_constraint_transition):
the deferred constraint trigger checks a batch at commit, not per statement; statement-level triggers
read the changed rows from their transition tables."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare

EXPECTED = Path(__file__).resolve().parents[1] / "cases" / "triggers_constraint_transition" / "expected"


def test_deferred_constraint_trigger_and_transition_tables(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c, roles=[], cron=False)
        apply(c, "001.sql", (EXPECTED / "001_triggers_more.sql").read_text(encoding="utf-8"))
        with c.transaction():  # unbalanced after the first statement: fine until commit
            c.execute("insert into public.entries (batch, amount) values (1, 10)")
            c.execute("insert into public.entries (batch, amount) values (1, -10), (2, 5), (2, -5)")
        with pytest.raises(psycopg.errors.RaiseException, match="batch 3 does not balance"):
            with c.transaction():
                c.execute("insert into public.entries (batch, amount) values (3, 1)")
        c.execute("update public.entries set amount = -amount where batch = 2")
        rows = c.execute("select op, n from public.audit order by id").fetchall()
        assert rows == [("INSERT", 1), ("INSERT", 3), ("UPDATE", 2)]
        with pytest.raises(psycopg.errors.RaiseException, match="batch 1 does not balance"):
            c.execute("delete from public.entries where batch = 1 and amount > 0")  # not deferrable: at once
