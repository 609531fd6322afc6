"""``schemagen init``: a new project that generates, checks, lints and verifies straight away."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.cli import EXIT_FAILED, EXIT_OK, main
from generator.spec import load_spec
from generator.spec.jsonschema import spec_json_schema, spec_json_schema_text

ROOT = Path(__file__).resolve().parent.parent
FILES = ["schema.yaml", "schemagen.schema.json", ".github/workflows/schemagen.yml", ".pre-commit-config.yaml"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    captured = capsys.readouterr()
    return int(exc.value.code or 0), captured.out + captured.err


def init(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Path:
    folder = tmp_path / "My App"
    code, output = run(["init", str(folder), *extra], capsys)
    assert code == EXIT_OK, output
    return folder


def test_init_writes_the_scaffold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = init(tmp_path, capsys)
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == sorted(FILES)
    spec = (folder / "schema.yaml").read_text()
    assert spec.splitlines()[0] == "# yaml-language-server: $schema=./schemagen.schema.json"
    assert (folder / "schemagen.schema.json").read_text() == spec_json_schema_text()
    loaded = load_spec(folder / "schema.yaml")
    assert loaded.spec.project.name == "my-app"
    assert loaded.spec.tests is not None and loaded.spec.tests.complete
    tables = [t.name for m in loaded.spec.migrations for t in m.tables]
    assert tables == ["tenants", "members", "projects"]
    jsonschema.Draft202012Validator(spec_json_schema()).validate(loaded.source.data)
    workflow = yaml.safe_load((folder / ".github/workflows/schemagen.yml").read_text())
    runs = [s.get("run") for s in workflow["jobs"]["schema"]["steps"]]
    assert {"schemagen check", "schemagen lint", "schemagen verify"} <= set(runs)
    hooks = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [(h["id"], h["entry"], h["pass_filenames"]) for h in hooks] == [
        ("schemagen-check", "schemagen check", False), ("schemagen-lint", "schemagen lint", False)]


def test_init_refuses_to_overwrite_a_schema_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "schema.yaml").write_text("mine\n")
    code, output = run(["init", str(folder)], capsys)
    assert code == EXIT_FAILED
    assert "schema.yaml exists; nothing was written (pass --force" in " ".join(output.split())
    assert [p.name for p in folder.iterdir()] == ["schema.yaml"]
    assert (folder / "schema.yaml").read_text() == "mine\n"
    code, output = run(["init", str(folder), "--force"], capsys)
    assert code == EXIT_OK, output
    assert (folder / "schema.yaml").read_text().startswith("# yaml-language-server:")


def test_init_keeps_an_existing_ci_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / ".pre-commit-config.yaml").write_text("repos: []\n")
    code, output = run(["init", str(folder)], capsys)
    assert code == EXIT_OK, output
    assert (folder / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert "kept" in output and (folder / "schema.yaml").exists()


def test_init_defaults_to_the_current_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run(["init"], capsys)
    assert code == EXIT_OK, output
    assert (tmp_path / "schema.yaml").exists()
    assert "schemagen generate && schemagen verify" in output


def test_init_then_generate_check_lint_are_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(init(tmp_path, capsys) / "schema.yaml")
    for command in ("generate", "check", "lint", "validate"):
        code, output = run([command, "--spec", spec], capsys)
        assert code == EXIT_OK, output
    assert "0 errors, 0 warnings" in run(["lint", "--spec", spec], capsys)[1]
    assert (tmp_path / "My App" / "out" / "001_create_tenants.sql").exists()


@pytest.mark.pg
def test_init_then_verify_passes_on_real_postgres(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(init(tmp_path, capsys) / "schema.yaml")
    assert run(["generate", "--spec", spec], capsys)[0] == EXIT_OK
    code, output = run(["verify", "--spec", spec], capsys)
    assert code == EXIT_OK, output
    assert "policy tests" in output and "failed" not in output
