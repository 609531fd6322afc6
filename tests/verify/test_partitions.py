"""Partitioned tables on real Postgres: the golden case's rows land in the right partitions; the
parent's index, foreign key and unique key reach every partition; an API role reads through the
parent under its policy, but is refused a partition directly (no grant there, and its own RLS on,
for roles that bypass the grant check but not RLS). Moved bounds keep their rows, and ATTACH trusts
the validated check instead of scanning; a bound that would leave a row out stops the migration. A
partition of a table a foreign key references is detached, then dropped: refused while a row points
into it (at any level), done otherwise."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import Database
from generator.verify.run import execute_sql
from tests.pull.helpers import apply, prepare
from tests.test_evolution import EVOLUTION, run_case

EXPECTED = Path(__file__).resolve().parents[1] / "cases" / "partitioned_tables" / "expected"
TREES = Path(__file__).resolve().parents[1] / "cases" / "partition_trees" / "expected"

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


def test_trees_route_rows_to_their_leaves_and_only_the_root_lets_the_api_in(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "001.sql", (TREES / "001_partition_trees.sql").read_text(encoding="utf-8"))
        # two key columns, MINVALUE and MAXVALUE: rows compare column by column, the first one first
        c.execute("""insert into public.standings (season, team) values (1999, 'z'), (2020, ''), (2030, 'a'),
                     (2030, 'o''neil'), (2031, 'a'), (2999, 'zz')""")
        assert sorted(c.execute("select season, team, tableoid::regclass::text from public.standings").fetchall()) == [
            (1999, "z", "standings_before"), (2020, "", "standings_2020s"), (2030, "a", "standings_2020s"),
            (2030, "o'neil", '"standings_o\'late"'), (2031, "a", '"standings_o\'late"'),
            (2999, "zz", '"standings_o\'late"')]
        # an expression key: the UTC day decides (23:30 in New York on 31 January is 1 February in UTC)
        c.execute("""insert into public.visits (visited_at, path) values ('2026-01-31 23:30-05', '/a'),
                     ('2026-01-31 12:00+00', '/b'), ('2026-04-01 00:00+00', '/c')""")
        assert dict(c.execute("select path, tableoid::regclass::text from public.visits").fetchall()) == {
            "/a": "visits_y2026m02", "/b": "visits_y2026m01", "/c": "visits_default"}
        # sub-partitions: a row goes down both levels, to a leaf
        c.execute("""insert into public.tickets (region, opened, id, subject) values ('eu', '2026-01-05', 1, 'a'),
                     ('eu', '2026-02-05', 2, 'b'), ('eu', '2027-01-01', 3, 'c'), ('jp', '2026-01-01', 6, 'f')""")
        c.execute("insert into public.tickets select 'us', '2026-01-01', g, 'us' from generate_series(10, 19) g")
        leaves = dict(c.execute("select subject, tableoid::regclass::text from public.tickets").fetchall())
        assert {k: leaves[k] for k in "abcf"} == {"a": "tickets_eu_y2026m01", "b": "tickets_eu_y2026m02",
                                                  "c": "tickets_eu_default", "f": "tickets_other"}
        us = {r[0] for r in c.execute("select tableoid::regclass::text from public.tickets where region = 'us'")}
        assert us == {"tickets_us_h0", "tickets_us_h1"}  # ten ids hash to both
        # every level of a sub-partitioned table: RLS on, the API roles revoked; only the root lets them in
        levels = ("tickets_eu", "tickets_eu_y2026m01", "tickets_eu_default", "tickets_us", "tickets_us_h1")
        assert c.execute("""select count(*) from pg_class where relname = any(%s) and relrowsecurity""",
                         (list(levels),)).fetchone() == (len(levels),)
        with c.transaction():
            c.execute("set local role authenticated")
            assert c.execute("select count(*) from public.tickets").fetchone() == (14,)
        for role in ("anon", "authenticated", "service_role"):
            for rel in levels:
                with c.transaction():
                    c.execute(f"set local role {role}")
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        c.execute(f"select count(*) from public.{rel}")
        # the root's primary key reaches the leaves of both levels
        with pytest.raises(psycopg.errors.UniqueViolation):
            c.execute("insert into public.tickets_eu_y2026m01 (region, opened, id, subject) "
                      "values ('eu', '2026-01-05', 1, 'again')")


def test_moved_bounds_keep_rows_and_attach_without_a_scan(fresh_db: Database, tmp_path: Path) -> None:
    old, done = run_case(EVOLUTION / "partitions_bounds", tmp_path)
    files = {f.name: f.text for f in done.result.files}
    up, down = done.files
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "001.sql", next(f.text for f in old.files if f.name == "001_base.sql"))
        c.execute("insert into public.readings (at, value) values ('2026-02-01', 1), ('2026-05-01', 2), "
                  "('2026-08-01', 3), ('2030-01-01', 4)")
        # 2026-05-01 sits in readings_early (January to July): the new bound (January to April) refuses it
        problem = execute_sql(c, up, files[up])
        assert problem is not None and "schemagen_new_bound" in problem, problem
        assert c.execute("select count(*) from public.readings").fetchone() == (4,)  # nothing lost
        c.execute("delete from public.readings where at = '2026-05-01'")
        c.execute("insert into public.events (region) values ('eu'), ('us')")
        notes: list[str] = []
        c.add_notice_handler(lambda d: notes.append(d.message_primary or ""))
        c.execute("set client_min_messages = debug1")
        apply(c, up, files[up])
        c.execute("reset client_min_messages")
        for part in ("readings_early", "readings_late", "events_eu"):  # ATTACH trusted the check
            assert f'partition constraint for table "{part}" is implied by existing constraints' in notes, part
        c.execute("insert into public.readings (at, value) values ('2026-05-01', 5)")
        c.execute("insert into public.events (region) values ('uk')")
        where = dict(c.execute("select value::int, tableoid::regclass::text from public.readings").fetchall())
        assert where == {1: "readings_early", 3: "readings_late", 4: "readings_rest", 5: "readings_late"}
        assert sorted(c.execute("select region, tableoid::regclass::text from public.events").fetchall()) == [
            ("eu", "events_eu"), ("uk", "events_eu"), ("us", "events_us")]
        # the checks are gone again, RLS and the index stay on the moved partitions
        assert c.execute("select count(*) from pg_constraint where conname = 'schemagen_new_bound'").fetchone() == (0,)
        assert c.execute("""select count(*) from pg_class where relname in ('readings_early', 'readings_late')
                            and relrowsecurity and relispartition""").fetchone() == (2,)
        # the rollback narrows events_eu back to eu: the uk row stops it, and stays
        problem = execute_sql(c, down, files[down])
        assert problem is not None and "schemagen_new_bound" in problem, problem
        assert c.execute("select count(*) from public.events").fetchone() == (3,)
        # so does the May row in readings_late (a partition's rows never move to another one)
        c.execute("delete from public.events where region = 'uk'")
        problem = execute_sql(c, down, files[down])
        assert problem is not None and '"readings_late" is violated' in problem, problem
        c.execute("delete from public.readings where value = 5")
        apply(c, down, files[down])
        c.execute("insert into public.readings (at, value) values ('2026-05-01', 5)")
        assert c.execute("select tableoid::regclass::text from public.readings where value = 5").fetchone() == (
            "readings_early",)


def test_moved_bounds_of_an_expression_key_attach_without_a_scan(fresh_db: Database, tmp_path: Path) -> None:
    old, done = run_case(EVOLUTION / "partitions_expression", tmp_path)
    files = {f.name: f.text for f in done.result.files}
    up, down = done.files
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "001.sql", next(f.text for f in old.files if f.name == "001_base.sql"))
        c.execute("insert into public.visits (visited_at, path) values ('2026-01-31 23:30-05', '/a'), "
                  "('2026-05-15 12:00+00', '/b')")
        notes: list[str] = []
        c.add_notice_handler(lambda d: notes.append(d.message_primary or ""))
        c.execute("set client_min_messages = debug1")
        apply(c, up, files[up])
        c.execute("reset client_min_messages")
        for part in ("visits_q1", "visits_q2"):  # the check over the expression implies the bound
            assert f'partition constraint for table "{part}" is implied by existing constraints' in notes, part
        c.execute("insert into public.visits (visited_at, path) values ('2026-03-01 00:30+01', '/c'), "
                  "('2026-03-01 00:30+00', '/d'), ('2026-08-01', '/e')")
        assert dict(c.execute("select path, tableoid::regclass::text from public.visits").fetchall()) == {
            "/a": "visits_q1", "/b": "visits_q2", "/c": "visits_q1", "/d": "visits_q2", "/e": "visits_q3"}


def test_a_referenced_partition_is_detached_then_dropped_unless_a_row_points_into_it(
        fresh_db: Database, tmp_path: Path) -> None:
    old, done = run_case(EVOLUTION / "partitions_referenced", tmp_path)
    files = {f.name: f.text for f in done.result.files}
    up, down = done.files
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "001.sql", next(f.text for f in old.files if f.name == "001_base.sql"))
        # why the DETACH: the foreign key's clone on orders_jp depends on it, a plain DROP is refused
        with pytest.raises(psycopg.errors.DependentObjectsStillExist):
            c.execute("drop table public.orders_jp")
        c.execute("""insert into public.orders (region, placed, id) values ('eu', '2026-02-01', 1),
                     ('eu', '2026-08-01', 2), ('us', '2026-01-01', 3), ('jp', '2026-01-01', 4),
                     ('br', '2026-01-01', 5)""")
        c.execute("""insert into public.shipments (id, region, placed, order_id) values (10, 'eu', '2026-02-01', 1),
                     (11, 'br', '2026-01-01', 5), (12, 'us', '2026-01-01', 3)""")
        # a shipment points to an order of orders_us (a partition partitioned in turn): DETACH refuses,
        # the migration stops and nothing is lost
        problem = execute_sql(c, up, files[up])
        assert problem is not None and "orders_us" in problem and "shipments" in problem, problem
        assert c.execute("select count(*) from public.orders").fetchone() == (5,)
        # the same for a row of a sub-partition (orders_eu_h2, detached from orders_eu)
        c.execute("delete from public.shipments where id = 12")
        c.execute("insert into public.shipments (id, region, placed, order_id) values (13, 'eu', '2026-08-01', 2)")
        problem = execute_sql(c, up, files[up])
        assert problem is not None and "orders_eu_h2" in problem, problem
        # referenced rows elsewhere only: the partitions go with their rows, the shipments stay
        c.execute("delete from public.shipments where id = 13")
        apply(c, up, files[up])
        assert sorted(c.execute("select id::int, tableoid::regclass::text from public.orders").fetchall()) == [
            (1, "orders_eu_h1"), (5, "orders_other")]
        assert c.execute("select count(*) from public.shipments").fetchone() == (2,)
        assert c.execute("""select count(*) from pg_class where relname in ('orders_jp', 'orders_us', 'orders_us_h0',
                            'orders_eu_h2')""").fetchone() == (0,)
        # the key still holds on what is left, and reaches the new partition
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            c.execute("delete from public.orders where id = 5")
        c.execute("insert into public.orders (region, placed, id) values ('kr', '2026-01-01', 6)")
        c.execute("insert into public.shipments (id, region, placed, order_id) values (14, 'kr', '2026-01-01', 6)")
        # the rollback's drop of orders_kr: refused while shipment 14 points into it, then done
        problem = execute_sql(c, down, files[down])
        assert problem is not None and "orders_kr" in problem, problem
        c.execute("delete from public.shipments where id = 14")
        apply(c, down, files[down])
        assert c.execute("select to_regclass('public.orders_kr')").fetchone() == (None,)
