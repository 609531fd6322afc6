"""Partitioned tables on real Postgres: the golden case's rows land in the right partitions; the
parent's index, foreign key and unique key reach every partition; an API role reads through the
parent under its policy, but is refused a partition directly (no grant there, and its own RLS on,
for roles that bypass the grant check but not RLS)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare

EXPECTED = Path(__file__).resolve().parents[1] / "cases" / "partitioned_tables" / "expected"

pytestmark = pytest.mark.pg


def test_partitions_route_rows_and_inherit_what_the_parent_declares(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "001.sql", (EXPECTED / "001_partitions.sql").read_text(encoding="utf-8"))
        c.execute("insert into public.rooms (name) values ('a')")
        c.execute("insert into public.messages (room_id, sent_at, body) values "
                  "(1, '2026-01-10', 'jan'), (1, '2026-03-31 23:00+00', 'mar'), (1, '2030-01-01', 'later')")
        where = dict(c.execute("select body, tableoid::regclass::text from public.messages").fetchall())
        assert where == {"jan": "messages_y2026m01", "mar": "messages_y2026m03", "later": "messages_default"}
        c.execute("insert into public.events (region, id) values ('uk', 1), ('us', 2), ('jp', 3)")
        assert sorted(c.execute("select region, tableoid::regclass::text from public.events").fetchall()) == [
            ("jp", "events_other"), ("uk", "events_eu"), ("us", "events_us")]
        c.execute("insert into public.readings (sensor_id, at) select g, '2026-01-01' from generate_series(1, 20) g")
        parts = {r[0] for r in c.execute("select tableoid::regclass::text from public.readings")}
        assert parts == {"readings_p0", "readings_p1"}
        # the parent's foreign key and unique key hold on every partition
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            c.execute("insert into public.messages_y2026m02 (id, room_id, sent_at, body) overriding system value "
                      "values (100, 99, '2026-02-01', 'x')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            c.execute("insert into public.readings (sensor_id, at) values (1, '2026-01-01')")
        # the parent's index exists on each partition (attached to it)
        ixs = c.execute("""select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent
                           where p.relname = 'messages_room_id_sent_at_idx'""").fetchone()
        assert ixs == (4,)
        # RLS: every partition has it on
        off = c.execute("""select relname from pg_class where relispartition and relkind = 'r'
                           and relnamespace = 'public'::regnamespace and not relrowsecurity""").fetchall()
        assert off == []
        # an API role reads through the parent (its grant and policy) but not a partition directly
        with c.transaction():
            c.execute("set local role authenticated")
            assert c.execute("select count(*) from public.messages").fetchone() == (3,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute("select count(*) from public.messages_y2026m01")
        for role in ("anon", "service_role"):
            with c.transaction():
                c.execute(f"set local role {role}")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    c.execute("select count(*) from public.messages_default")
