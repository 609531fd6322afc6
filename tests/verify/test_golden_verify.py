"""Every golden case is proven on real Postgres: applies, rolls back exactly, re-applies, rollback_all is clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import generate
from generator.verify.backends import Database
from generator.verify.run import run_verify
from tests.test_golden import case_dirs


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden_case_verifies(case: Path, fresh_db: Database) -> None:
    report = run_verify(generate(case / "schema.yaml", display="schema.yaml"), fresh_db.dsn)
    assert report.ok, "\n".join(report.problems)
