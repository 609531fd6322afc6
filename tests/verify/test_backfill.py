"""``backfill:`` on real Postgres: a NOT NULL column added to a table that holds rows is filled
from the expression and ends NOT NULL, without the temporary check; the rollback drops it again.
Also the platform's migration 008 on a database that already holds the seed data."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import Database, Server
from generator.verify.run import execute_sql
from generator.verify.snapshot import diff_snapshots, take_snapshot
from tests.outdb import OUT, build_from_out, migration_files
from tests.test_evolution import EVOLUTION, run_case
from tests.verify.test_evolution_verify import _build, _run

pytestmark = pytest.mark.pg

CASE = EVOLUTION / "column_backfill"


def _not_null(conn: psycopg.Connection, table: str, column: str) -> bool:
    return conn.execute("select attnotnull from pg_attribute where attrelid = %s::regclass and attname = %s",
                        (table, column)).fetchone()[0]


def test_backfill_fills_existing_rows(pg_server: Server, tmp_path: Path) -> None:
    old, done = run_case(CASE, tmp_path)
    up, down = done.files
    files = {f.name: f.text for f in done.result.files}
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as conn:
        _build(conn, old)
        _run(conn, "seed.sql", (CASE / "seed.sql").read_text(encoding="utf-8"))
        before = take_snapshot(conn)
        _run(conn, up, files[up])
        rows = conn.execute("select c.body, c.team, b.team, c.excerpt from public.cards c "
                            "join public.boards b on b.id = c.board_id order by c.id").fetchall()
        assert len(rows) == 3
        for body, team, board_team, excerpt in rows:
            assert team == board_team
            assert excerpt == body[:10]
        assert _not_null(conn, "public.cards", "team")
        assert not _not_null(conn, "public.cards", "excerpt")
        assert conn.execute("select count(*) from pg_constraint where conname = 'cards_team_filled'"
                            ).fetchone()[0] == 0
        with pytest.raises(psycopg.errors.NotNullViolation):
            conn.execute("insert into public.cards (board_id, body) values (1, 'no team')")
        _run(conn, down, files[down])
        assert diff_snapshots(before, take_snapshot(conn)) == []
        assert conn.execute("select count(*) from public.cards").fetchone()[0] == 3


def test_a_null_backfill_value_fails_the_migration(pg_server: Server, tmp_path: Path) -> None:
    """A row the expression gives no value fails the UPDATE (the NOT VALID check already holds)."""
    old, done = run_case(CASE, tmp_path)
    up, _down = done.files
    files = {f.name: f.text for f in done.result.files}
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as conn:
        _build(conn, old)
        _run(conn, "seed.sql", (CASE / "seed.sql").read_text(encoding="utf-8"))
        conn.execute("alter table public.cards drop constraint cards_board_id_fkey")
        conn.execute("insert into public.cards (board_id, body) values (99, 'orphan')")
        error = execute_sql(conn, up, files[up])
        assert error is not None and "cards_team_filled" in str(error)


def _carried(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("select 'm', id, tenant_id, user_id from public.messages union all "
                        "select 'f', id, tenant_id, null from public.feedback order by 1, 2").fetchall()


def test_platform_008_applies_to_a_database_with_rows(fresh_db: Database) -> None:
    """Every migration, the seed data, rollback of the later ones and of 008 (its columns go, the rows
    stay), 008 again: the carried columns get the values the seed gave them (the parents'); with the
    later ones applied again, the catalog is as before."""
    up = next(OUT.glob("008_*.sql"))
    later = [p for p in migration_files() if p.name > up.name]
    with psycopg.connect(fresh_db.dsn, autocommit=True) as conn:
        build_from_out(conn)
        conn.execute("alter database " + conn.info.dbname + " set app.environment = 'test'")
        conn.execute((OUT / "seed_test_data.sql").read_text(encoding="utf-8"))
        seeded, catalog = _carried(conn), take_snapshot(conn)
        assert sum(1 for r in seeded if r[0] == "m") > 0 and sum(1 for r in seeded if r[0] == "f") > 0
        for path in [*reversed(later), up]:
            down = OUT / f"rollback_{path.name}"
            assert execute_sql(conn, down.name, down.read_text(encoding="utf-8")) is None
        assert conn.execute("select count(*) from information_schema.columns where table_schema = 'public' "
                            "and table_name = 'messages' and column_name = 'tenant_id'").fetchone()[0] == 0
        assert execute_sql(conn, up.name, up.read_text(encoding="utf-8")) is None
        assert _carried(conn) == seeded
        for path in later:
            assert execute_sql(conn, path.name, path.read_text(encoding="utf-8")) is None
        assert diff_snapshots(catalog, take_snapshot(conn)) == []
