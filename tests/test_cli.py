"""generate / check / validate from the command line, and the all-or-nothing out/ folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app

CASES = Path(__file__).parent / "cases"
runner = CliRunner()


def copy_case(tmp_path: Path, name: str) -> Path:
    spec = tmp_path / "schema.yaml"
    shutil.copy(CASES / name / "schema.yaml", spec)
    return spec


def test_generate_then_check_is_clean(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "migration_order")
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.suffix == ".sql")
    assert names == [
        "001_create_parents.sql", "002_create_helpers.sql", "003_create_children.sql",
        "rollback_001_parents.sql", "rollback_002_helpers.sql", "rollback_003_children.sql", "rollback_all.sql",
    ]
    check = runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)])
    assert check.exit_code == 0, check.output


def test_an_edit_released_migrations_do_not_record_needs_migrate(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "migration_order")
    out = tmp_path / "out"
    runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    released = (out / "003_create_children.sql").read_text()
    spec.write_text(spec.read_text().replace("default: \"'child'\"", "default: \"'kid'\""))
    for command in ("check", "generate"):
        result = runner.invoke(app, [command, "--spec", str(spec), "--out", str(out)])
        assert result.exit_code == 1
        assert "has changes no migration records yet" in result.output
        assert "schemagen migrate --name" in result.output
    migrate = runner.invoke(app, ["migrate", "--name", "kid_label", "--spec", str(spec), "--out", str(out)])
    assert migrate.exit_code == 0, migrate.output
    assert (out / "003_create_children.sql").read_text() == released  # history never changes
    assert "SET DEFAULT 'kid'" in (out / "004_kid_label.sql").read_text()
    assert "SET DEFAULT 'child'" in (out / "rollback_004_kid_label.sql").read_text()
    check = runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)])
    assert check.exit_code == 0, check.output


def test_check_reports_missing_and_hand_edited_files(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "migration_order")
    out = tmp_path / "out"
    runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    (out / "rollback_all.sql").unlink()
    with (out / "001_create_parents.sql").open("a") as f:
        f.write("-- hand edit\n")
    check = runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)])
    assert check.exit_code == 1
    assert "missing" in check.output and "rollback_all.sql" in check.output
    assert "--- hand edit" in check.output  # the committed line the spec does not produce


def test_generate_removes_stale_generated_files_but_never_user_files(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "migration_order")
    out = tmp_path / "out"
    runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    (out / "NOTES.md").write_text("mine\n")
    shutil.rmtree(out / ".schemagen" / "history")  # no history: the spec's blocks are the first one again
    text = spec.read_text().replace("name: create_helpers", "name: add_helpers")
    spec.write_text(text)
    result = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "002_create_helpers.sql").exists()
    assert (out / "002_add_helpers.sql").exists()
    assert (out / "NOTES.md").read_text() == "mine\n"
    assert "removed 002_create_helpers.sql" in " ".join(result.output.split())
    assert not [p for p in out.iterdir() if p.name.startswith(".schemagen-stage")]


def test_validate_writes_nothing(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "functions")
    result = runner.invoke(app, ["validate", "--spec", str(spec)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schema.yaml"]


def test_user_templates_override_ours(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "views")
    templates = tmp_path / "tpl" / "sql" / "view"
    templates.mkdir(parents=True)
    (templates / "drop.sql.j2").write_text("DROP VIEW {{ obj.id | qname }} CASCADE;\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out),
                                 "--templates", str(tmp_path / "tpl")])
    assert result.exit_code == 0, result.output
    assert "DROP VIEW public.unpaid_orders CASCADE;" in (out / "rollback_001_views.sql").read_text()


def test_broken_user_template_is_a_located_validation_error(tmp_path: Path) -> None:
    spec = copy_case(tmp_path, "views")
    templates = tmp_path / "tpl" / "sql" / "view"
    templates.mkdir(parents=True)
    (templates / "drop.sql.j2").write_text("DROP VIEWW {{ obj.id | qname }};\n")
    result = runner.invoke(app, ["validate", "--spec", str(spec), "--templates", str(tmp_path / "tpl")])
    assert result.exit_code == 2
    assert "(drop view public.big_unpaid) does not parse" in result.output
    assert f"{spec}:27:9: generated rollback_001_views.sql:" in result.output
