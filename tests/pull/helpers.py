"""Shared steps of the pull tests: build a database from SQL, pull it, regenerate, compare catalogs."""

from __future__ import annotations

from pathlib import Path

import psycopg

from generator.pipeline import generate
from generator.pull import read_database
from generator.pull.run import write_pulled
from generator.verify.backends import Server
from generator.verify.cron import install_cron
from generator.verify.run import execute_sql
from generator.verify.snapshot import Snapshot, diff_snapshots, take_snapshot
from generator.verify.standin import ensure_roles, install_supabase_standin


def prepare(conn: psycopg.Connection, *, supabase: bool = True, roles: list[str] = (), cron: bool = False) -> None:
    """The stand-in (unless plain), any extra roles, and pg_cron (or its stand-in), as a target has them."""
    if supabase:
        install_supabase_standin(conn)
    ensure_roles(conn, list(roles))
    if cron:
        install_cron(conn)


def apply(conn: psycopg.Connection, name: str, text: str) -> None:
    problem = execute_sql(conn, name, text)
    assert problem is None, problem


def snapshot(dsn: str) -> Snapshot:
    with psycopg.connect(dsn, autocommit=True) as c:
        return take_snapshot(c)


def pull_into(dsn: str, folder: Path, *, schemas: list[str] | None = None, skip: bool = False) -> tuple[Path, Path]:
    """Pull the database at ``dsn`` into folder/schema.yaml and folder/out; returns both paths."""
    spec, out = folder / "schema.yaml", folder / "out"
    with psycopg.connect(dsn, autocommit=True) as c:
        pulled = read_database(c, schemas=schemas, project="pulled")
    write_pulled(pulled, spec, out, skip_unsupported=skip)
    return spec, out


def migrations_of(out: Path) -> list[tuple[str, str]]:
    """The numbered migrations of out/, in order."""
    files = sorted(p for p in out.glob("[0-9][0-9][0-9]_*.sql"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def regenerate_and_compare(server: Server, spec: Path, expected: Snapshot, *, supabase: bool = True,
                           roles: list[str] = (), cron: bool = False) -> list[str]:
    """Apply the migrations generated from ``spec`` to a fresh database; differences from ``expected``."""
    result = generate(spec)
    with server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c, supabase=supabase, roles=roles, cron=cron)
        for f in result.sql_files:
            if f.name[:3].isdigit():
                apply(c, f.name, f.text)
        actual = take_snapshot(c)
    return [str(d) for d in diff_snapshots(expected, actual)]
