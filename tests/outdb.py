"""Helpers for tests that need a database built from the committed ``out/`` folder."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

from generator.verify.cron import install_cron
from generator.verify.standin import install_supabase_standin

OUT = Path(__file__).resolve().parents[1] / "out"
MIGRATION = re.compile(r"\d{3}_.+\.sql\Z")


def migration_files(out: Path = OUT) -> list[Path]:
    """The migrations of ``out``, in the order they apply."""
    return sorted(p for p in out.iterdir() if MIGRATION.match(p.name))


def build_from_out(conn: psycopg.Connection, out: Path = OUT) -> None:
    """Install the Supabase stand-in and apply every migration of ``out`` (autocommit connection)."""
    install_supabase_standin(conn)
    install_cron(conn)  # migration 007 schedules pg_cron jobs
    for path in migration_files(out):
        conn.execute(path.read_text(encoding="utf-8"))  # type: ignore[arg-type]
