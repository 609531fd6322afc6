"""Every evolution case on real Postgres, both ways.

Build the old state from ``old.yaml``'s migrations (plus the case's optional ``seed.sql`` rows),
apply the new migration: the catalog must equal a fresh database built from ``new.yaml``. Apply
the rollback: it must equal the old state again. Re-apply: equal to the first apply. The rows of
every column the change does not touch survive both directions.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.ir.model import Model, TableIR
from generator.pipeline import Result, generate
from generator.quoting import quote_ident
from generator.verify.backends import Server
from generator.verify.cron import install_cron
from generator.verify.run import execute_sql, migration_files
from generator.verify.snapshot import Snapshot, diff_snapshots, take_snapshot
from generator.verify.standin import ensure_roles, install_supabase_standin
from tests.test_evolution import evolution_dirs, options, run_case

pytestmark = pytest.mark.pg


def _run(conn: psycopg.Connection, name: str, text: str) -> None:
    error = execute_sql(conn, name, text)
    assert error is None, error


def _build(conn: psycopg.Connection, result: Result) -> None:
    install_supabase_standin(conn)
    install_cron(conn)  # pg_cron, or its stand-in (the jobs case)
    ensure_roles(conn, list(result.loaded.spec.roles))
    files = {f.name: f.text for f in result.files}
    for up, _down in migration_files(result):
        _run(conn, up, files[up])


def _untouched(old: Model, new: Model) -> dict[str, list[str]]:
    """Table → the columns that are the same before and after the change."""
    out = {}
    for oid, t in old.objects.items():
        n = new.objects.get(oid)
        if isinstance(t, TableIR) and isinstance(n, TableIR):
            cols = [c.name for c in t.columns if n.column(c.name) == c]
            if cols:
                out[f"{quote_ident(oid.schema)}.{quote_ident(oid.name)}"] = cols
    return out


def _rows(conn: psycopg.Connection, tables: dict[str, list[str]]) -> dict[str, list[tuple]]:
    out = {}
    for table, cols in tables.items():
        select = ", ".join(f"{quote_ident(c)}::text" for c in cols)
        out[table] = conn.execute(f"select {select} from {table} order by 1, 2" if len(cols) > 1
                                  else f"select {select} from {table} order by 1").fetchall()  # type: ignore[arg-type]
    return out


def _same(expected: Snapshot, actual: Snapshot, what: str, ignore: tuple[str, ...]) -> None:
    diffs = diff_snapshots(expected, actual, ignore=ignore)
    assert not diffs, f"{what}:\n" + "\n".join(str(d) for d in diffs)


@pytest.mark.parametrize("case", evolution_dirs(), ids=lambda p: p.name)
def test_evolution_case_on_postgres(case: Path, pg_server: Server, tmp_path: Path) -> None:
    old, done = run_case(case, tmp_path)
    fresh = generate(case / "new.yaml", display="schema.yaml")
    ignore = tuple(options(case).get("ignore", ()))
    up_name, down_name = done.files
    files = {f.name: f.text for f in done.result.files}
    with pg_server.new_database() as db_old, pg_server.new_database() as db_new:
        with psycopg.connect(db_old.dsn, autocommit=True) as conn, \
                psycopg.connect(db_new.dsn, autocommit=True) as fresh_conn:
            _build(conn, old)
            seed = case / "seed.sql"
            if seed.is_file():
                _run(conn, "seed.sql", seed.read_text(encoding="utf-8"))
            tables = _untouched(old.model, done.result.model)
            before, rows_before = take_snapshot(conn), _rows(conn, tables)
            _run(conn, up_name, files[up_name])
            after = take_snapshot(conn)
            assert _rows(conn, tables) == rows_before, "untouched columns lost rows going up"
            _build(fresh_conn, fresh)
            _same(take_snapshot(fresh_conn), after, f"{up_name} vs a fresh database from new.yaml", ignore)
            _run(conn, down_name, files[down_name])
            _same(before, take_snapshot(conn), f"{down_name} vs the old state", ignore)
            assert _rows(conn, tables) == rows_before, "untouched columns lost rows going down"
            _run(conn, up_name, files[up_name])
            _same(after, take_snapshot(conn), f"{up_name} re-applied", ignore)
