"""Golden cases: tests/cases/<case>/schema.yaml and the files it must generate in expected/.

``pytest tests/test_golden.py --regen`` rewrites expected/ (review the diff before committing);
``SCHEMAGEN_CASE=name`` runs one case.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.output import with_manifest
from generator.pipeline import generate

CASES = Path(__file__).parent / "cases"


def case_dirs() -> list[Path]:
    wanted = os.environ.get("SCHEMAGEN_CASE")
    return sorted(p for p in CASES.iterdir() if (p / "schema.yaml").is_file() and (not wanted or p.name == wanted))


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden(case: Path, regen: bool) -> None:
    result = generate(case / "schema.yaml", display="schema.yaml")
    files = {f.name: f.text for f in with_manifest(result.files)}
    expected_dir = case / "expected"
    if regen:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, text in files.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_text(text, encoding="utf-8", newline="\n")
    expected = {
        str(p.relative_to(expected_dir)): p.read_text(encoding="utf-8")
        for p in expected_dir.rglob("*") if p.is_file()
    }
    assert sorted(files) == sorted(expected), "generated file set differs from expected/"
    for name, text in files.items():
        assert text == expected[name], f"{case.name}/{name} differs; run with --regen and review the diff"


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden_is_deterministic(case: Path) -> None:
    first = generate(case / "schema.yaml", display="schema.yaml").files
    second = generate(case / "schema.yaml", display="schema.yaml").files
    assert first == second
    assert all("\r" not in f.text for f in first)
