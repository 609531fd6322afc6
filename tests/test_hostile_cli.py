"""Hostile input beyond one spec file: migrate, history, templates, and the helpers that guard SQL.

Each test here failed before the hardening of issue 10 (a traceback, an executable comment, an
unlocated error or a silently ignored option).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pglast import parser as pg

from generator.ir.names import fk_types_compatible
from generator.ir.sql import expression_refs, query_refs, statement_refs, type_refs
from generator.quoting import comment_text, dollar_quote

from .test_hostile import HERE, LOCATED, run_cli, statements, tree

HOSTILE_TEXT = [
    "a\ndrop table public.x; --", "a\rdrop table public.x; --", "a\r\ndrop table public.x;", "*/ drop table x; /*",
    "a\u2028drop table x;", "a\x85drop table x;", "\x00", "\x1b[31m", "\u202edrop table x;", "\\",
    "'; drop table x; --",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The corpus's base spec, generated into out/."""
    shutil.copyfile(HERE / "base.yaml", tmp_path / "schema.yaml")
    done = run_cli("generate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


# -- comments -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_comment_text_cannot_end_a_comment(text: str) -> None:
    sql = f"-- {comment_text(text)}\nSELECT 1;\n/* {comment_text(text, block=True)} */ SELECT 2;"
    assert [k for k, _ in statements(sql)] == ["SelectStmt", "SelectStmt"]
    assert "\n" not in comment_text(text) and "\r" not in comment_text(text)


def test_destructive_warning_escapes_names_from_history(project: Path) -> None:
    """A column name holding a newline (from a hand-edited history) stays inside the WARNING comment
    of the migration and of its rollback (it became an executable DROP TABLE before)."""
    history = project / "out" / ".schemagen" / "history" / "001_init.json"
    text = history.read_text(encoding="utf-8")
    history.write_text(text.replace('"name": "owner",', json.dumps({"name": "a\ndrop table public.x; --"})[1:-1] + ",",
                                    1), encoding="utf-8")
    done = run_cli("migrate", "--name", "m", "--allow-destructive", cwd=project)
    assert done.returncode == 0, done.stderr
    for name in ("002_m.sql", "rollback_002_m.sql"):
        sql = (project / "out" / name).read_text(encoding="utf-8")
        assert "--   - column public.notes.a\\ndrop table public.x; -- and its data" in sql
        drops = [s for k, s in statements(sql) if k == "DropStmt"]
        assert not drops, drops


# -- printing ---------------------------------------------------------------------------------------

def test_migrate_prints_rich_markup_in_names_as_text(tmp_path: Path) -> None:
    """``evil [/x]`` in a name crashed migrate with a MarkupError (exit 1) after writing the migration."""
    spec = (HERE / "base.yaml").read_text(encoding="utf-8").replace("name: own notes", "name: evil [/x] [bold]")
    (tmp_path / "schema.yaml").write_text(spec, encoding="utf-8")
    assert run_cli("generate", cwd=tmp_path).returncode == 0
    (tmp_path / "schema.yaml").write_text(spec.replace("owner = (select auth.uid())", "owner = (select auth.uid()) "
                                                       "and body <> ''"), encoding="utf-8")
    done = run_cli("migrate", "--name", "narrower", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "evil [/x] [bold]" in done.stdout


# -- templates --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("template", "message"), [
    ("CREATE TABLE {{ obj.id | qname }} (\n{% for c in obj.columns %}\n",
     "create.sql.j2:2: Unexpected end of template"),
    ("CREATE TABLE\n{{ obj.no_such_field }};\n", "create.sql.j2:2: "),
    ("{{ obj.columns | join(1, 2, 3) }}\n", "create.sql.j2:1: "),
])
def test_broken_template_is_a_located_error(project: Path, template: str, message: str) -> None:
    folder = project / "tpl" / "sql" / "table"
    folder.mkdir(parents=True)
    (folder / "create.sql.j2").write_text(template, encoding="utf-8")
    before = tree(project / "out")
    done = run_cli("generate", "--templates", "tpl", cwd=project)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert message in done.stderr and "tpl/sql/table/create.sql.j2" in done.stderr
    assert tree(project / "out") == before


def test_missing_templates_folder_is_an_error(project: Path) -> None:
    done = run_cli("generate", "--templates", "no-such-folder", cwd=project)
    assert done.returncode == 2
    assert "--templates no-such-folder: no such folder" in done.stderr


def test_migrate_errors_point_into_the_spec(tmp_path: Path) -> None:
    """A generated statement that does not parse in a migrate run is located at the object in
    schema.yaml (it was ``<none>:0:0``: the old state comes from the history, without positions)."""
    project = tmp_path
    spare = "    - name: spare\n      type: text\n"
    base = (HERE / "base.yaml").read_text(encoding="utf-8")
    with_spare = base.replace("    - name: mood\n", spare + "    - name: mood\n")
    (project / "schema.yaml").write_text(with_spare, encoding="utf-8")
    assert run_cli("generate", cwd=project).returncode == 0
    folder = project / "tpl" / "sql" / "table"
    folder.mkdir(parents=True)
    (folder / "drop_column.sql.j2").write_text("ALTER TABLE {{ obj.id | qname }} DROP COLUMN (;\n", encoding="utf-8")
    spec = project / "schema.yaml"
    spec.write_text(base, encoding="utf-8")
    done = run_cli("migrate", "--name", "m", "--allow-destructive", "--templates", "tpl", cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "<none>" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors and all(LOCATED.match(line) for line in errors), done.stderr
    assert "drop column" in done.stderr


# -- the SQL kinds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("expr", ["1) from pg_class where (true", "1), (2", "true; select 1", "x > 0 --", "1 as x"])
def test_expression_is_exactly_one(expr: str) -> None:
    assert expression_refs(expr).error


@pytest.mark.parametrize("expr", ["(1) + (2)", "a > 0 -- why\n and b", "x /* ) ; */ > 1", "')' || ';'"])
def test_expression_accepts_one(expr: str) -> None:
    assert expression_refs(expr).error is None


@pytest.mark.parametrize(("query", "ok"), [
    ("select 1", True), ("select 1;", True), ("values (1), (2)", True), ("with x as (select 1) select * from x", True),
    ("select 1 union select 2", True), ("select 1; select 2", False), ("table t", True),
    ("with x as (update t set a = 1 returning a) select * from x", False), ("select 1 into t", False),
    ("explain select 1", False), ("select 1 -- c", False),
])
def test_view_query_is_one_select(query: str, ok: bool) -> None:
    assert (query_refs(query).error is None) is ok, query_refs(query).error


@pytest.mark.parametrize(("type_", "ok"), [
    ("integer", True), ("numeric(10, 2)", True), ("text[]", True), ("timestamp with time zone", True),
    ("public.mood", True), ("int) , (select 1", False), ("int -- x\n", False), ("int default 1", False),
])
def test_type_is_one_type(type_: str, ok: bool) -> None:
    assert (type_refs(type_).error is None) is ok


def test_sql_function_body_refuses_what_functions_cannot_hold() -> None:
    assert statement_refs("select 1; insert into t values (1)").error is None
    assert "Transaction" in (statement_refs("begin; select 1; commit").error or "")


@pytest.mark.parametrize("body", ["select '$$'", "select $q$ $$ $q$", "$q1$ $q$ $$ $q2$", "x $"])
def test_dollar_quoting_cannot_be_closed_by_the_body(body: str) -> None:
    quoted = dollar_quote(body)
    sql = f"SELECT {quoted};"
    kinds = [k for k, _ in statements(sql)]
    assert kinds == ["SelectStmt"]
    tree_ = json.loads(pg.parse_sql_json(sql))
    value = tree_["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["A_Const"]["sval"]["sval"]
    assert value == f"\n{body}\n"


@pytest.mark.parametrize(("a", "b", "ok"), [
    ("integer", "bigint", True), ("int4", "int8", True), ("smallint", "numeric(10, 2)", True),
    ("varchar(20)", "text", True), ("citext", "text", True), ("date", "timestamptz", True),
    ("my_domain", "bigint", True), ("uuid", "bigint", False), ("text", "integer", False),
    ("uuid[]", "uuid", False), ("boolean", "integer", False), ("timestamp", "uuid", False),
])
def test_foreign_key_type_compatibility(a: str, b: str, ok: bool) -> None:
    assert fk_types_compatible(a, b) is ok


@pytest.mark.parametrize("command", [["lint"], ["lint", "--waived"], ["validate"], ["check"], ["generate"]])
def test_every_command_prints_markup_in_names_as_text(tmp_path: Path, command: list[str]) -> None:
    shutil.copyfile(HERE / "names_with_rich_markup.yaml", tmp_path / "schema.yaml")
    if command == ["check"]:
        assert run_cli("generate", cwd=tmp_path).returncode == 0
    done = run_cli(*command, cwd=tmp_path)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
