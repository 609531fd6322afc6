"""The pgTAP export (out/supabase/tests) under a real pgTAP runner, pg_prove, on the seeded platform:
every test passes, and a weakened policy fails exactly the tests that verify's own runner fails, by name
(the case named for it included)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pglast import parser as pg_parser
from psycopg.conninfo import conninfo_to_dict

from generator.history import load_history
from generator.ir.policycases import compile_policy_tests
from generator.pipeline import generate
from generator.render.pgtap import render_pgtap
from generator.render.seed import MARK_TEST_DATABASE
from generator.verify.backends import Database, Server
from generator.verify.policytests import run_cases
from tests.outdb import OUT, build_from_out

ROOT = Path(__file__).resolve().parents[2]
TESTS = OUT / "supabase" / "tests"
NOT_OK = re.compile(r"^not ok \d+ - (.*)$", re.M)
WEAKEN = 'ALTER POLICY "users read visible conversations" ON public.conversations USING (true)'


@pytest.fixture(scope="module")
def platform_result():  # noqa: ANN201
    return generate(ROOT / "schema.yaml", display="schema.yaml", history=load_history(OUT))


def test_the_committed_files_are_the_export(platform_result) -> None:  # noqa: ANN001
    files = render_pgtap(platform_result.model, platform_result.loaded, "supabase/tests")
    assert {f.name: f.text for f in files} == {
        f"supabase/tests/{p.name}": p.read_text(encoding="utf-8") for p in TESTS.glob("*.sql")}
    assert all("SELECT plan(" in f.text and f.text.rstrip().endswith("ROLLBACK;") for f in files)
    for f in files:  # plain SQL, no psql meta-commands: the Postgres grammar accepts every file
        assert pg_parser.parse_sql(f.text), f.name


@pytest.fixture
def seeded(pg_server: Server) -> Iterator[Database]:
    if shutil.which("pg_prove") is None:
        pytest.skip("pg_prove is not installed (Debian: libtap-parser-sourcehandler-pgtap-perl)")
    with psycopg.connect(pg_server.admin_dsn) as c:
        if not c.execute("select exists (select from pg_available_extensions where name = 'pgtap')").fetchone()[0]:
            pytest.skip("pgTAP is not available on this server (Debian: postgresql-15-pgtap)")
    with pg_server.new_database() as db:
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            build_from_out(conn)
            conn.execute(MARK_TEST_DATABASE)
            conn.execute((OUT / "seed_test_data.sql").read_text(encoding="utf-8"))
        yield db


def _prove(db: Database, *files: Path) -> subprocess.CompletedProcess[str]:
    params = conninfo_to_dict(db.dsn)
    env = dict(os.environ, PGDATABASE=str(params["dbname"]), PGUSER=str(params.get("user") or "postgres"))
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("password", "PGPASSWORD")):
        if params.get(key):
            env[var] = str(params[key])
    return subprocess.run(["pg_prove", "--verbose", *map(str, files)], env=env, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.mark.pg
def test_every_exported_test_passes_under_pg_prove(seeded: Database, platform_result) -> None:  # noqa: ANN001
    run = _prove(seeded, *sorted(TESTS.glob("*.sql")))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    cases = compile_policy_tests(platform_result.model, platform_result.loaded)
    assert f"Tests={len(cases)}," in run.stdout and "Result: PASS" in run.stdout


@pytest.mark.pg
def test_a_weakened_policy_fails_the_right_tests_by_name(seeded: Database, platform_result) -> None:  # noqa: ANN001
    with psycopg.connect(seeded.dsn, autocommit=True) as conn:
        conn.execute(WEAKEN)
        cases = compile_policy_tests(platform_result.model, platform_result.loaded)
        failed = [r.case for r in run_cases(conn, cases).results if not r.passed]
    # messages and feedback are visible through their conversation: their isolation cases fail too
    assert "table public.conversations" in {str(c.target) for c in failed}
    expected = {f"{c.name} ({c.pos})" for c in failed}
    assert any(name.startswith("a member cannot read the owner's conversation by id") for name in expected)
    run = _prove(seeded, *sorted(TESTS.glob("*.sql")))
    assert run.returncode != 0
    assert set(NOT_OK.findall(run.stdout)) == expected
