"""Exclusion constraints on real Postgres: the golden case's booking table refuses overlapping
periods of one room (gist with btree_gist's ``=``), takes adjacent ones and other rooms', and its
deferrable constraint is checked at commit."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare

EXPECTED = Path(__file__).resolve().parents[1] / "cases" / "exclusion_constraints" / "expected"


def test_overlapping_bookings_are_refused(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c, roles=[], cron=False)
        apply(c, "001.sql", (EXPECTED / "001_exclusions.sql").read_text(encoding="utf-8"))
        c.execute("insert into public.rooms (name) values ('a'), ('b')")
        c.execute("insert into public.bookings (room_id, period) values (1, '[2026-01-01, 2026-01-03)')")
        c.execute("insert into public.bookings (room_id, period) values (2, '[2026-01-01, 2026-01-03)')")
        c.execute("insert into public.bookings (room_id, period) values (1, '[2026-01-03, 2026-01-05)')")
        with pytest.raises(psycopg.errors.ExclusionViolation, match="bookings_no_overlap"):
            c.execute("insert into public.bookings (room_id, period) values (1, '[2026-01-02, 2026-01-04)')")
        # a cancelled booking escapes bookings_no_overlap (WHERE not cancelled) but not the deferrable
        # one over every booking, checked at commit, not per statement
        reached = False
        with pytest.raises(psycopg.errors.ExclusionViolation, match="bookings_period_room_id_excl"):
            with c.transaction():
                c.execute("insert into public.bookings (room_id, period, cancelled) values "
                          "(2, '[2026-01-02, 2026-01-04)', true)")
                reached = True
        assert reached, "the deferrable constraint fired before commit"
