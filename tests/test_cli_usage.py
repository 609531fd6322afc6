"""The command line itself: exit codes, --version, --help text and where out/ is by default."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import EXIT_BAD_SPEC, EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

CASES = Path(__file__).parent / "cases"
COMMANDS = ["generate", "check", "validate", "verify", "lint", "migrate", "init", "schema"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``schemagen ARGV`` in-process through the console-script entry point."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    captured = capsys.readouterr()
    return int(exc.value.code or 0), captured.out + captured.err


def test_exit_code_constants_are_distinct() -> None:
    assert len({EXIT_OK, EXIT_FAILED, EXIT_BAD_SPEC, EXIT_USAGE}) == 4
    assert EXIT_USAGE == 64  # sysexits.h EX_USAGE


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(["--version"], capsys)
    assert code == EXIT_OK
    assert re.fullmatch(r"schemagen \d+\.\d+\.\d+\S*\n", output), output


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run([], capsys)
    assert code == EXIT_OK
    assert "Usage: schemagen" in output and "generate" in output


@pytest.mark.parametrize("argv", [
    ["generate", "--bogus"],                                  # unknown option
    ["migrate"],                                              # missing required option
    ["migrate", "--name", "x", "--allow-destructive", "true"],  # a flag takes no value
    ["generate", "--spec"],                                   # option without its argument
    ["nosuch"],                                               # unknown command
])
def test_usage_errors_exit_64_not_the_bad_spec_code(argv: list[str], capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run(argv, capsys)
    assert code == EXIT_USAGE, output
    assert "Error" in output
    assert "Traceback" not in output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["generate", "check", "validate", "lint", "migrate", "verify"])
def test_bad_spec_exits_2_for_every_command(command: str, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\nmigrations:\n  - number: 1\n    name: a\n    tabels: []\n")
    argv = [command, "--spec", str(spec)] + (["--name", "x"] if command == "migrate" else [])
    code, output = run(argv, capsys)
    assert code == EXIT_BAD_SPEC, output
    assert f"{spec}:5:5: unknown key 'tabels'" in output
    assert not (tmp_path / "out").exists()


def test_check_stale_and_unrecorded_change_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    shutil.copy(CASES / "migration_order" / "schema.yaml", spec)
    assert run(["generate", "--spec", str(spec)], capsys)[0] == EXIT_OK
    (tmp_path / "out" / "rollback_all.sql").unlink()
    assert run(["check", "--spec", str(spec)], capsys)[0] == EXIT_FAILED
    spec.write_text(spec.read_text().replace("default: \"'child'\"", "default: \"'kid'\""))
    for command in ("generate", "check"):
        code, output = run([command, "--spec", str(spec)], capsys)
        assert code == EXIT_FAILED, output
        assert "has changes no migration records yet" in output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_has_no_type_placeholders(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run([command, "--help"], capsys)
    assert code == EXIT_OK
    assert f"Usage: schemagen {command}" in output
    assert not re.search(r"<(bool|str|path|int|text)>", output), output
    for line in output.splitlines():
        # a boolean flag is followed directly by its help, never by a value placeholder
        m = re.search(r"(--(?:help|keep|json|force|waived|rules|allow-destructive))\s+(\S+)", line)
        if m:
            assert not m.group(2).isupper(), line


def test_help_names_the_values_options_take(capsys: pytest.CaptureFixture[str]) -> None:
    _, output = run(["migrate", "--help"], capsys)
    assert re.search(r"--name\s+NAME", output)
    assert re.search(r"--spec\s+FILE", output)
    assert re.search(r"--out\s+DIR", output)
    assert "(default: out/" in output
    _, output = run(["--help"], capsys)
    assert "64 usage error" in output and "--version" in output


def test_every_command_defaults_out_to_the_folder_beside_the_spec(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "other"
    project.mkdir()
    spec = project / "schema.yaml"
    shutil.copy(CASES / "migration_order" / "schema.yaml", spec)
    monkeypatch.chdir(tmp_path)
    rel = "other/schema.yaml"
    assert run(["generate", "--spec", rel], capsys)[0] == EXIT_OK
    assert (project / "out" / "001_create_parents.sql").exists()
    assert not (tmp_path / "out").exists()
    assert run(["check", "--spec", rel], capsys)[0] == EXIT_OK
    spec.write_text(spec.read_text().replace("default: \"'child'\"", "default: \"'kid'\""))
    code, output = run(["migrate", "--spec", rel, "--name", "kid"], capsys)
    assert code == EXIT_OK, output
    assert (project / "out" / "004_kid.sql").exists()
    assert run(["check", "--spec", rel], capsys)[0] == EXIT_OK
    assert not (tmp_path / "out").exists()
    # --out still wins
    code, _ = run(["check", "--spec", rel, "--out", str(tmp_path / "elsewhere")], capsys)
    assert code == EXIT_FAILED


def test_console_script_exit_code_for_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--no-such-option"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert "Traceback" not in done.stderr
