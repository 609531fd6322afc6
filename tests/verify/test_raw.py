"""Raw SQL on real Postgres: verify proves the golden case (tests/cases/raw_sql) and names what a
``down`` that does not undo its ``up`` leaves behind."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import generate
from generator.verify.backends import Database
from generator.verify.run import run_verify

CASE = Path(__file__).resolve().parents[1] / "cases" / "raw_sql" / "schema.yaml"


def test_a_down_that_does_not_restore_the_catalog_is_named(fresh_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(CASE.read_text(encoding="utf-8").replace(
        "down: alter table public.notes reset (fillfactor)", "down: select 1"), encoding="utf-8")
    report = run_verify(generate(spec, display="schema.yaml"), fresh_db.dsn)
    assert not report.ok
    problems = "\n".join(p for s in report.steps for p in s.problems)
    assert "rollback_002_escape_hatch.sql" in problems and "fillfactor" in problems, problems
