"""Rendering of models.py and alembic/ (no database): opt-in, migrate's next revision, op order, literals."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import sqlalchemy as sa

from generator.migrate import migrate
from generator.output import write_out
from generator.pipeline import generate
from generator.render.alembic_revisions import pystr, sql_literal, statements
from generator.render.sql import migration_file_names
from generator.render.sqlalchemy_models import escape_colons

ROOT = Path(__file__).resolve().parents[1]
EVOLUTION = ROOT / "tests" / "cases" / "evolution"
ON = "outputs: {docs: false, types: false, seed: false, sqlalchemy: true, alembic: true}"


def _with_python_outputs(text: str) -> str:
    return re.sub(r"^outputs: .*$", ON, text, count=1, flags=re.M)


def test_python_outputs_are_opt_in() -> None:
    names = {f.name for f in generate(ROOT / "tests" / "cases" / "views" / "schema.yaml", validate=False).files}
    assert not any(n == "models.py" or n.startswith("alembic/") for n in names)
    names = {f.name for f in generate(ROOT / "schema.yaml", validate=False).files}
    assert {"models.py", "alembic/env.py", "alembic/alembic.ini", "alembic/script.py.mako",
            "alembic/entities.py", "alembic/versions/001_create_tenants_table.py"} <= names


def test_migrate_writes_the_next_revision(tmp_path: Path) -> None:
    case = EVOLUTION / "columns_add"
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    spec.write_text(_with_python_outputs(case.joinpath("old.yaml").read_text()))
    write_out(out, generate(spec, display="schema.yaml").files)
    spec.write_text(_with_python_outputs(case.joinpath("new.yaml").read_text()))
    done = migrate(spec, out, "more_columns", display="schema.yaml")
    revision = out / "alembic" / "versions" / "002_more_columns.py"
    text = revision.read_text()
    assert 'revision = "002"' in text and 'down_revision: str | None = "001"' in text
    assert "op.add_column(" in text
    assert "op.execute(\"SET lock_timeout = '5s'\")" in text  # a live database: same timeouts as the SQL
    assert revision.relative_to(out).as_posix() in done.changed
    ast.parse(text)


def _comments(body: str) -> list[str]:
    return [line.strip()[2:] for line in body.splitlines() if line.strip().startswith("# ")]


def test_revision_runs_the_sql_files_operations_in_their_order() -> None:
    """Each revision's upgrade and downgrade name the same operations as its SQL file and rollback."""
    result = generate(ROOT / "schema.yaml", validate=False)
    files = {f.name: f for f in result.files}
    sql = {f.name: f for f in result.sql_files}
    for info in result.model.migrations:
        up, down = migration_file_names(info)
        text = files[f"alembic/versions/{info.tag}_{info.name}.py"].text
        upgrade = text.split("def upgrade() -> None:", 1)[1].split("def downgrade() -> None:", 1)
        assert _comments(upgrade[0]) == [s.title for s in sql[up].segments]
        assert _comments(upgrade[1]) == [s.title for s in sql[down].segments]


def test_sql_literals_keep_the_text_exactly() -> None:
    body = "create function f() returns int language plpgsql as $$\nbegin\n  x := 1; -- a:b\n  return 1;\nend;\n$$;"
    for text in (body, 'select \'"""\' as q;', "select 1::int, ':name'", "a\\b\n\"end\""):
        literal = sql_literal(text)
        value = eval(literal)  # noqa: S307 - our own rendered literal
        assert value == escape_colons(text)
        assert str(sa.text(value).compile()) == text  # what text() sends: the escapes undone
        assert eval(pystr(text)) == text  # noqa: S307


def test_escape_colons_leaves_casts() -> None:
    assert escape_colons("a::text = ':x' and y := 1") == "a::text = '\\:x' and y \\:= 1"


def test_statements_split_like_the_sql_files() -> None:
    sql = "CREATE TABLE t (a int);\nCOMMENT ON TABLE t IS 'a;b';\nCREATE FUNCTION f() RETURNS int AS $$ select 1; $$;"
    assert statements(sql) == ["CREATE TABLE t (a int);", "COMMENT ON TABLE t IS 'a;b';",
                               "CREATE FUNCTION f() RETURNS int AS $$ select 1; $$;"]


def test_generated_python_parses(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    for f in generate(ROOT / "schema.yaml", validate=False).files:
        if f.name.endswith(".py"):
            ast.parse(f.text, filename=f.name)


def test_exclusion_constraints_in_revisions_are_their_sql(tmp_path: Path) -> None:
    """op.create_table cannot state EXCLUDE and alembic has no exclusion op: the table is created,
    and an exclusion constraint added or dropped, by the SQL file's own statements."""
    case = EVOLUTION / "exclusion_constraints"
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    spec.write_text(_with_python_outputs(case.joinpath("old.yaml").read_text()))
    write_out(out, generate(spec, display="schema.yaml").files)
    first = next((out / "alembic" / "versions").glob("001_*.py")).read_text()
    assert "op.create_table(" not in first and "EXCLUDE USING gist" in first
    spec.write_text(_with_python_outputs(case.joinpath("new.yaml").read_text()))
    migrate(spec, out, "exclusions", display="schema.yaml")
    text = (out / "alembic" / "versions" / "002_exclusions.py").read_text()
    upgrade, downgrade = text.split("def upgrade() -> None:", 1)[1].split("def downgrade() -> None:", 1)
    for body in (upgrade, downgrade):
        assert "op.drop_constraint(" not in body and "op.create_check_constraint(" not in body
        assert "ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist" in body
        assert "# drop exclusion constraint public.bookings.bookings_no_overlap" in body
    assert "DROP CONSTRAINT bookings_gone" in upgrade and "ADD CONSTRAINT bookings_gone EXCLUDE" in downgrade
    ast.parse(text)
