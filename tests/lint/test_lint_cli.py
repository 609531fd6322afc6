"""`schemagen lint` exit codes and output; `generate` refuses unwaived lint errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app

runner = CliRunner()
SPECS = Path(__file__).parent / "specs"


def test_clean_spec_exits_0() -> None:
    result = runner.invoke(app, ["lint", "--spec", str(SPECS / "function-without-search-path.yaml")])
    assert result.exit_code == 0, result.output  # warnings only
    assert "warning[function-without-search-path]" in result.output


def test_errors_exit_1_with_located_lines(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    shutil.copy(SPECS / "rls-disabled.yaml", spec)
    result = runner.invoke(app, ["lint", "--spec", str(spec)])
    assert result.exit_code == 1
    assert f"{spec}:7:14: error[rls-disabled] table public.notes: row level security is disabled" in result.output


def test_bad_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lint", "--spec", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2


def test_generate_refuses_unwaived_errors(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    shutil.copy(SPECS / "rls-disabled.yaml", spec)
    result = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "error[rls-disabled]" in result.output and not (tmp_path / "out").exists()


def test_generate_accepts_waived_errors(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    shutil.copy(SPECS / "waiver-unused.yaml", spec)
    result = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
