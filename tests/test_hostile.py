"""The hostile corpus (tests/hostile/): every spec through the real CLI, in a subprocess.

Each spec is either rejected — exit 2, every error at ``schema.yaml:LINE:COL``, no traceback, and
an ``out/`` holding an earlier generation left byte for byte as it was — or accepted, and then every
generated SQL file parses to exactly the statements its operations produced: nothing smuggled in
through a comment, a title or a value; no GRANT to a role the spec never grants to; no DROP in a
migration of a fresh spec. ``expectations.yaml`` says which, and what the error must say.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pglast import parser as pg

from generator.pipeline import generate

HERE = Path(__file__).parent / "hostile"
EXPECT: dict[str, dict[str, Any]] = yaml.safe_load((HERE / "expectations.yaml").read_text(encoding="utf-8"))
SPECS = sorted(p.stem for p in HERE.glob("*.yaml") if p.name != "expectations.yaml")
LOCATED = re.compile(r"^error: schema\.yaml:([1-9]\d*):([1-9]\d*): ", re.M)

#: What a migration of a fresh spec may contain, and what its rollbacks may.
UP_KINDS = {"CreateStmt", "AlterTableStmt", "IndexStmt", "CreatePolicyStmt", "GrantStmt", "CommentStmt",
            "CreateFunctionStmt", "ViewStmt", "CreateTableAsStmt", "CreateTrigStmt", "CreateSchemaStmt",
            "CreateEnumStmt", "CreateSeqStmt", "CreateExtensionStmt", "TransactionStmt", "VariableSetStmt",
            "CreateDomainStmt"}
DOWN_KINDS = {"DropStmt", "AlterTableStmt", "TransactionStmt", "VariableSetStmt"}
SEED_KINDS = {"TransactionStmt", "DoStmt", "DeleteStmt", "InsertStmt"}
LAYOUT_KINDS = {"TransactionStmt", "VariableSetStmt"}  # BEGIN/COMMIT and SET/RESET of the file template


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=300, env=env)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def previous_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An out/ generated from the corpus's base spec: what a rejected spec must leave untouched."""
    work = tmp_path_factory.mktemp("hostile-base")
    shutil.copyfile(HERE / "base.yaml", work / "schema.yaml")
    done = run_cli("generate", "--spec", "schema.yaml", "--out", "out", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "out"


def statements(sql: str) -> list[tuple[str, str]]:
    """(node kind, statement text) of each statement of ``sql``."""
    tree_ = json.loads(pg.parse_sql_json(sql))
    texts = pg.split(sql)
    kinds = [next(iter(s["stmt"])) for s in tree_["stmts"]]
    assert len(kinds) == len(texts)
    return list(zip(kinds, texts, strict=True))


def granted_roles(data: Any) -> set[str]:
    """Every role named in a ``grants: [{to: […]}]`` of the spec."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "grants" and isinstance(value, list):
                found |= {r.lower() for g in value if isinstance(g, dict) for r in g.get("to", [])}
            else:
                found |= granted_roles(value)
    elif isinstance(data, list):
        for item in data:
            found |= granted_roles(item)
    return found


def grantees(stmt_sql: str) -> set[str]:
    node = json.loads(pg.parse_sql_json(stmt_sql))["stmts"][0]["stmt"]["GrantStmt"]
    if not node.get("is_grant"):
        return set()
    return {(g["RoleSpec"].get("rolename") or "public").lower() for g in node["grantees"]}


def check_accepted(name: str, work: Path) -> None:
    out = work / "out"
    result = generate(work / "schema.yaml", display="schema.yaml")
    spec_data = yaml.load((work / "schema.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    allowed_grantees = granted_roles(spec_data)
    for f in result.sql_files:
        text = (out / f.name).read_text(encoding="utf-8")
        assert text == f.text, f"{name}: {f.name} differs from an in-process generation"
        found = statements(text)
        # exactly the statements of the operations, in order, plus the file's BEGIN/COMMIT/SET/RESET
        expected = [s for seg in f.segments for s in statements(seg.sql)]
        assert [s for s in found if s[0] not in LAYOUT_KINDS] == [s for s in expected if s[0] not in LAYOUT_KINDS], \
            f"{name}: {f.name} holds statements no operation produced"
        # the header is comments only: the first statement starts after it
        header = text[: text.index(found[0][1])] if found else text
        assert all(line.startswith("--") or not line.strip() for line in header.splitlines()), f"{name}: {f.name}"
        kinds = {k for k, _ in found}
        allowed = UP_KINDS if re.match(r"\d{3}_", f.name) else DOWN_KINDS
        assert kinds <= allowed, f"{name}: {f.name} has {kinds - allowed}"
        for kind, stmt in found:
            if kind == "GrantStmt":
                assert grantees(stmt) <= allowed_grantees, f"{name}: {f.name}: {stmt}"
    seed = out / "seed_test_data.sql"
    if seed.exists():
        found = statements(seed.read_text(encoding="utf-8"))
        assert {k for k, _ in found} <= SEED_KINDS, f"{name}: seed {found}"
        tables = len(spec_data.get("fixtures") or {})
        assert sum(k == "InsertStmt" for k, _ in found) == tables
        assert sum(k == "DeleteStmt" for k, _ in found) == tables


def test_every_spec_has_an_expectation() -> None:
    assert SPECS and set(SPECS) == set(EXPECT)
    assert len(SPECS) >= 60


@pytest.mark.parametrize("name", SPECS)
def test_hostile_spec(name: str, tmp_path: Path, previous_out: Path) -> None:
    expect = EXPECT[name]
    shutil.copyfile(HERE / f"{name}.yaml", tmp_path / "schema.yaml")
    if "reject" in expect:
        shutil.copytree(previous_out, tmp_path / "out")
        before = tree(tmp_path / "out")
        done = run_cli("generate", "--spec", "schema.yaml", "--out", "out", cwd=tmp_path)
        output = done.stdout + done.stderr
        assert "Traceback" not in output, output
        assert done.returncode == 2, output
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert errors and all(LOCATED.match(line) for line in errors), output
        assert expect["reject"] in output, output
        assert tree(tmp_path / "out") == before, "a rejected spec changed out/"
    else:
        done = run_cli("generate", "--spec", "schema.yaml", "--out", "out", cwd=tmp_path)
        output = done.stdout + done.stderr
        assert "Traceback" not in output, output
        assert done.returncode == 0, output
        check_accepted(name, tmp_path)


#: Accepted specs whose hostile text must also survive a real database: applied, rolled back and
#: re-applied, the seed loaded, and the quoted names, literals and dollar-quoted bodies intact.
ON_POSTGRES = ["base", "names_with_quotes", "names_with_backslashes", "names_unicode", "names_are_keywords",
               "enum_values_with_quotes", "trigger_arguments_injection", "sql_body_with_dollar_quotes",
               "plpgsql_body_with_dollar_quotes", "comment_with_newline_and_quotes", "description_injects_statement",
               "fixture_row_key_injects_statement", "role_name_injection", "explicit_names_with_quotes",
               "verbatim_body_ends_in_dollar", "defaults_outside_b_expr"]


def test_on_postgres_are_accepted() -> None:
    assert all(EXPECT[name] == {"accept": True} for name in ON_POSTGRES)


@pytest.mark.pg
@pytest.mark.parametrize("name", ON_POSTGRES)
def test_accepted_hostile_spec_verifies(name: str, fresh_db: Any) -> None:
    from generator.verify.run import run_verify

    report = run_verify(generate(HERE / f"{name}.yaml"), fresh_db.dsn)
    assert report.ok, report.problems
