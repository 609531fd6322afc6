"""Backends against real servers: DSN, installed binaries (pg_bin), embedded; errors never tracebacks."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from generator.verify.backends import (
    BackendError,
    Database,
    Server,
    fresh_database,
    redact,
    start_server,
    with_dbname,
)

PG15_BIN = Path("/usr/lib/postgresql/15/bin")
BAD_DSN = "postgresql:///nonexistent?host=/nonexistent"

pytestmark = pytest.mark.pg


def _database_exists(server: Server, name: str) -> bool:
    with psycopg.connect(server.admin_dsn, autocommit=True) as c:
        return c.execute("select exists (select from pg_database where datname = %s)", (name,)).fetchone()[0]


def test_fresh_database_is_new_and_empty(conn: psycopg.Connection, fresh_db: Database) -> None:
    name = conn.execute("select current_database()").fetchone()[0]
    assert name.startswith("schemagen_")
    assert fresh_db.server_version >= 130000
    assert fresh_db.backend in {"dsn", "testcontainers", "embedded", "pg_bin"}
    count = conn.execute(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"
    ).fetchone()[0]
    assert count == 0


def test_database_dropped_after_use_even_with_open_session(pg_server: Server) -> None:
    with pg_server.new_database() as db:
        name = psycopg.conninfo.conninfo_to_dict(db.dsn)["dbname"]
        lingering = psycopg.connect(db.dsn)  # WITH (FORCE) must end it
        assert _database_exists(pg_server, name)
    assert not _database_exists(pg_server, name)
    lingering.close()


def test_keep_leaves_database(pg_server: Server) -> None:
    with pg_server.new_database(keep=True) as db:
        name = psycopg.conninfo.conninfo_to_dict(db.dsn)["dbname"]
        assert db.dsn in db.how_to_connect()
    try:
        assert _database_exists(pg_server, name)
    finally:
        pg_server.drop_database(name)
    assert not _database_exists(pg_server, name)


def test_bad_dsn_raises_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BackendError) as info, fresh_database(BAD_DSN):
        pytest.fail("must not yield")
    message = str(info.value)
    assert "dsn" in message and "/nonexistent" in message
    assert "Traceback" not in message
    assert len(info.value.attempts) == 1  # an explicit DSN never falls back


def test_bad_dsn_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMAGEN_DSN", BAD_DSN)
    with pytest.raises(BackendError, match="nonexistent"):
        start_server()


def test_bad_pg_bin_raises_backend_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEMAGEN_DSN", raising=False)
    with pytest.raises(BackendError, match="initdb"):
        start_server(pg_bin=str(tmp_path))


@pytest.mark.skipif(not (PG15_BIN / "initdb").exists(), reason="Debian PostgreSQL 15 not installed")
def test_pg_bin_backend_runs_installed_binaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEMAGEN_DSN", raising=False)
    monkeypatch.setenv("SCHEMAGEN_PG_BIN", str(PG15_BIN))
    with fresh_database() as db:
        assert db.backend == "pg_bin"
        assert db.server_version // 10000 == 15
        assert db.socket_dir and Path(db.socket_dir).is_dir()
        with psycopg.connect(db.dsn) as c:
            assert c.execute("select 1").fetchone() == (1,)
    assert not Path(db.socket_dir).exists()  # cluster stopped and deleted


def test_with_dbname_builds_uris() -> None:
    assert with_dbname("postgresql://u:p%40ss@localhost:5433/db?sslmode=disable", "x") == (
        "postgresql://u:p%40ss@localhost:5433/x?sslmode=disable"
    )
    assert with_dbname("host=/tmp/sock user=postgres dbname=postgres", "x") == (
        "postgresql://postgres@/x?host=/tmp/sock"
    )
    assert redact("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


def test_environment_is_respected_by_session_server(pg_server: Server) -> None:
    if os.environ.get("SCHEMAGEN_DSN"):
        assert pg_server.backend == "dsn"
    elif os.environ.get("SCHEMAGEN_PG_BIN"):
        assert pg_server.backend == "pg_bin"
    else:
        assert pg_server.backend in {"testcontainers", "embedded"}


@pytest.mark.pg
def test_the_system_account_a_root_run_uses_is_named(fresh_db: Database, pg_server: Server) -> None:
    """As root, Postgres runs under a system account (created when missing); verify names it."""
    from generator.verify.run import _server_note

    note = _server_note(fresh_db)
    if pg_server.backend == "dsn" or os.geteuid() != 0:
        assert fresh_db.run_as is None
        assert "system account" not in note
        return
    expected = {"embedded": "embedded_postgres", "pg_bin": "schemagen_pg"}.get(pg_server.backend)
    assert fresh_db.run_as is not None and fresh_db.run_as.startswith(f"system account {expected}")
    assert note.endswith(f", as {fresh_db.run_as}")
