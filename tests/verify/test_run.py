"""``schemagen verify`` on a real Postgres: passing specs, hand-edited rollbacks, failing SQL, the CLI.

Every test gets a fresh database from the session's server (see conftest.py); nothing is mocked.
Tampering happens on a copy of the generated texts passed to ``run_verify(files=…)``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import Result, generate
from generator.render.sql import SqlFile
from generator.verify import run as verify_run
from generator.verify.backends import Database, Server
from generator.verify.run import Outcome, Step, VerifyContext, run_verify

SPECS = Path(__file__).parent / "specs"
PLATFORM_SPEC = Path(__file__).resolve().parents[2] / "schema.yaml"
runner = CliRunner()


def files_of(result: Result) -> dict[str, str]:
    """The generated texts by file name (a copy the test may tamper with)."""
    return {f.name: f.text for f in result.files}


def sql_file(result: Result, name: str) -> SqlFile:
    return next(f for f in result.sql_files if f.name == name)


def without_op(file: SqlFile, title: str) -> str:
    """``file``'s text minus the statement(s) of the operation titled ``title`` and its comment."""
    seg = next(s for s in file.segments if s.title == title)
    lines = file.text.split("\n")
    first = seg.first_line - 1
    if first > 0 and lines[first - 1] == f"-- {title}":
        first -= 1
    last = seg.last_line  # exclusive index after the segment, which is 1-based inclusive
    if last < len(lines) and lines[last] == "":
        last += 1
    text = "\n".join(lines[:first] + lines[last:])
    assert seg.sql not in text
    return text


def inserted_before_commit(text: str, statement: str) -> str:
    """``text`` with ``statement`` added as the last statement of its transaction."""
    head, sep, tail = text.rpartition("COMMIT;")
    assert sep
    return f"{head}{statement}\n\n{sep}{tail}"


def names(report, status: str | None = None) -> list[str]:  # noqa: ANN001
    return [s.name for s in report.steps if status is None or s.status == status]


@pytest.fixture(scope="module")
def two() -> Result:
    return generate(SPECS / "two_migrations.yaml")


@pytest.fixture(scope="module")
def later() -> Result:
    return generate(SPECS / "later_objects.yaml")


# --- passing specs --------------------------------------------------------------------------------


@pytest.mark.pg
@pytest.mark.parametrize("spec", ["two_migrations.yaml", "later_objects.yaml"])
def test_generated_files_verify(spec: str, fresh_db: Database) -> None:
    result = generate(SPECS / spec)
    seen = []
    report = run_verify(result, fresh_db.dsn, progress=seen.append)
    assert report.ok, report.problems
    assert tuple(seen) == report.steps
    ups = [f.name for f in result.sql_files if f.name[0].isdigit()]
    downs = [f.name for f in result.sql_files if f.name.startswith("rollback_0")]
    expected = [
        "setup: Supabase stand-in, baseline snapshot",
        *(f"apply {n}" for n in ups),
        *(f"rollback {n}" for n in reversed(downs)),
        *(f"re-apply {n}" for n in ups),
        "rollback_all.sql",
        f"re-apply all {len(ups)} migrations",
    ]
    checked = [n for n in names(report, "passed") if n != "plpgsql_check"]  # passed where the extension is, else
    assert checked == expected                                              # skipped with the reason
    assert [n for n in names(report, "skipped") if n != "plpgsql_check"] == [
        "seed seed_test_data.sql", "policy tests", "cron jobs"]
    assert report.server_version >= 150000


@pytest.mark.pg
def test_platform_spec_verifies(fresh_db: Database) -> None:
    if not PLATFORM_SPEC.exists():
        pytest.skip(f"{PLATFORM_SPEC} not written yet")
    report = run_verify(generate(PLATFORM_SPEC), fresh_db.dsn)
    assert report.ok, report.problems
    assert sum(s.kind == "rollback" for s in report.steps) >= 1


# --- hand-edited rollbacks ------------------------------------------------------------------------

ROLLBACK_2 = "rollback_002_project_access.sql"


@pytest.mark.pg
@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("drop index public.projects_owner_id_title_idx", "index public.projects_owner_id_title_idx"),
        (
            'drop policy public.projects."Owners read their projects"',
            'policy public.projects."Owners read their projects"',
        ),
        ("drop trigger public.projects.touch_projects", "trigger public.projects.touch_projects"),
    ],
)
def test_missing_drop_in_a_rollback_is_named(later: Result, fresh_db: Database, title: str, key: str) -> None:
    files = files_of(later)
    files[ROLLBACK_2] = without_op(sql_file(later, ROLLBACK_2), title)
    report = run_verify(later, fresh_db.dsn, files=files)
    assert not report.ok
    assert report.problems == [f"{ROLLBACK_2} leaves {key}"]
    # the next rollback does not repeat the leftover, and later phases are skipped, not misreported
    assert next(s for s in report.steps if s.name == "rollback rollback_001_projects.sql").status == "passed"
    assert names(report, "skipped")[0] == "re-apply 001_create_projects.sql"


@pytest.mark.pg
def test_left_over_table_is_one_finding(later: Result, fresh_db: Database) -> None:
    files = files_of(later)
    files[ROLLBACK_2] = without_op(sql_file(later, ROLLBACK_2), "drop table public.notes")
    report = run_verify(later, fresh_db.dsn, files=files)
    assert report.problems == [
        f"{ROLLBACK_2} leaves table public.notes "
        "(and its 3 columns, 1 constraint, 2 grants, 1 index, 1 sequence)"
    ]


@pytest.mark.pg
def test_missing_drop_in_rollback_all_is_named(two: Result, fresh_db: Database) -> None:
    files = files_of(two)
    files["rollback_all.sql"] = without_op(sql_file(two, "rollback_all.sql"), "drop schema private")
    report = run_verify(two, fresh_db.dsn, files=files)
    assert report.problems == ["rollback_all.sql leaves schema private (and its 1 grant)"]
    assert next(s for s in report.steps if s.name == "rollback_all.sql").status == "failed"


@pytest.mark.pg
def test_rollback_that_drops_too_much_is_named(two: Result, fresh_db: Database) -> None:
    name = "rollback_002_create_users.sql"
    files = files_of(two)
    files[name] = inserted_before_commit(files[name], "DROP INDEX public.tenants_updated_at_idx;")
    report = run_verify(two, fresh_db.dsn, files=files)
    assert report.problems[0] == f"{name} removes index public.tenants_updated_at_idx"
    # the next rollback then fails on its own DROP INDEX: a SQL error that stops the run
    assert report.problems[1:] == ['rollback_001_tenants.sql: index "tenants_updated_at_idx" does not exist']


@pytest.mark.pg
def test_rollback_that_changes_an_object_is_named(two: Result, fresh_db: Database) -> None:
    name = "rollback_002_create_users.sql"
    files = files_of(two)
    files[name] = inserted_before_commit(files[name], "GRANT INSERT ON public.tenants TO authenticated;")
    report = run_verify(two, fresh_db.dsn, files=files)
    assert report.problems == [
        f"{name} changes grant table public.tenants to authenticated "
        "(privileges: [SELECT] → [INSERT, SELECT])"
    ]


@pytest.mark.pg
def test_platform_spec_missing_drop_is_named(fresh_db: Database) -> None:
    if not PLATFORM_SPEC.exists():
        pytest.skip(f"{PLATFORM_SPEC} not written yet")
    result = generate(PLATFORM_SPEC)
    target = _drop_outliving_its_table(result)
    if target is None:
        pytest.skip("no index, policy or trigger arrives after its table in the platform spec")
    file, title = target
    files = files_of(result)
    files[file.name] = without_op(file, title)
    report = run_verify(result, fresh_db.dsn, files=files)
    assert not report.ok
    # either the object is left over, or a later DROP in the same file fails because it depends on it
    (problem,) = report.problems
    key = title.removeprefix("drop ")
    kind, _, name = key.partition(" ")
    assert problem == f"{file.name} leaves {key}" or (
        problem.startswith(f"{file.name}: cannot drop")
        and f"{kind} {name.rsplit('.', 1)[-1].strip(chr(34))}" in problem
    ), problem


def _drop_outliving_its_table(result: Result) -> tuple[SqlFile, str] | None:
    """A rollback's DROP of an index, policy or trigger whose table that same rollback keeps."""
    for file in result.sql_files:
        if not file.name.startswith("rollback_0"):
            continue
        dropped = {s.op.obj.id for s in file.segments}
        for seg in file.segments:
            if seg.op.obj.id.kind in ("index", "policy", "trigger") and seg.op.obj.on not in dropped:
                return file, seg.title
    return None


# --- SQL errors -----------------------------------------------------------------------------------


@pytest.mark.pg
def test_sql_error_names_file_line_and_operation(two: Result, fresh_db: Database) -> None:
    name = "002_create_users.sql"
    files = files_of(two)
    files[name] = files[name].replace("from public.users", "from public.no_such_table", 1)
    assert "no_such_table" in files[name]
    report = run_verify(two, fresh_db.dsn, files=files)
    failed = [s for s in report.steps if s.status == "failed"]
    assert [s.name for s in failed] == [f"apply {name}"]
    (problem,) = failed[0].problems
    line = files[name][: files[name].index("public.no_such_table")].count("\n") + 1
    assert problem.startswith(f'{name}:{line}: relation "public.no_such_table" does not exist')
    after = names(report)[names(report).index(f"apply {name}") + 1 :]
    assert after and all(s in names(report, "skipped") for s in after)


@pytest.mark.pg
def test_sql_error_in_untouched_file_names_the_operation(fresh_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(BAD_DEFAULT_SPEC)
    report = run_verify(generate(spec), fresh_db.dsn)
    (problem,) = report.problems
    assert problem.startswith("001_create_counters.sql:")
    assert 'invalid input syntax for type integer: "abc" (in create table public.counters)' in problem


# --- hooks ----------------------------------------------------------------------------------------


@pytest.mark.pg
def test_seed_file_is_loaded_on_the_full_schema(two: Result, pg_server: Server) -> None:
    files = files_of(two)
    files["seed_test_data.sql"] = "BEGIN;\nINSERT INTO public.tenants (slug) VALUES ('acme');\nCOMMIT;\n"
    with pg_server.new_database() as db:
        report = run_verify(two, db.dsn, files=files)
    assert report.ok, report.problems
    assert next(s for s in report.steps if s.kind == "seed").status == "passed"

    files["seed_test_data.sql"] = "BEGIN;\nINSERT INTO public.tenants (slug) VALUES ('NOT OK');\nCOMMIT;\n"
    with pg_server.new_database() as db:
        report = run_verify(two, db.dsn, files=files)
    (problem,) = report.problems
    assert problem.startswith('seed_test_data.sql: new row for relation "tenants" violates check constraint')


@pytest.mark.pg
def test_extra_steps_run_last_on_the_full_schema(
    two: Result, fresh_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def count_tables(ctx: VerifyContext) -> Outcome:
        row = ctx.conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()
        return Outcome(note=f"{row[0]} tables") if row and row[0] == 2 else Outcome(problems=("no tables",))

    monkeypatch.setattr(
        verify_run,
        "EXTRA_STEPS",
        [*verify_run.EXTRA_STEPS, Step(name="count tables", kind="custom", run=count_tables)],
    )
    report = run_verify(two, fresh_db.dsn)
    assert report.ok, report.problems
    assert report.steps[-1].name == "count tables" and report.steps[-1].note == "2 tables"


# --- the command line -----------------------------------------------------------------------------

BAD_DEFAULT_SPEC = """
migrations:
  - number: 1
    name: create_counters
    tables:
      - name: counters
        columns:
          - {name: id, type: bigint, primary_key: true, identity: always}
          - {name: hits, type: integer, nullable: false, default: "'abc'"}
"""


@pytest.mark.pg
def test_cli_json_reports_success(pg_server: Server) -> None:
    result = runner.invoke(
        app, ["verify", "--spec", str(SPECS / "two_migrations.yaml"), "--json", "--dsn", pg_server.admin_dsn]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["problems"] == []
    assert [s["kind"] for s in report["steps"]][:3] == ["generate", "server", "setup"]
    assert all(s["ok"] for s in report["steps"])


@pytest.mark.pg
def test_cli_progress_and_exit_1_when_a_migration_fails(pg_server: Server, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(BAD_DEFAULT_SPEC)
    result = runner.invoke(app, ["verify", "--spec", str(spec), "--dsn", pg_server.admin_dsn])
    assert result.exit_code == 1, result.output
    out = " ".join(result.stdout.split())
    assert "✗" in out and "apply 001_create_counters.sql" in out
    assert 'invalid input syntax for type integer: "abc"' in out
    assert "verification failed" in out
    assert "Traceback" not in result.output


def test_cli_backend_error_is_a_message_with_exit_3(tmp_path: Path) -> None:
    bad = "postgresql:///nope?host=/nonexistent"
    result = runner.invoke(app, ["verify", "--spec", str(SPECS / "two_migrations.yaml"), "--dsn", bad])
    assert result.exit_code == 3
    assert "could not get a Postgres server for verification; tried:" in result.stderr
    assert "/nonexistent" in result.stderr
    assert "Traceback" not in result.output
    as_json = runner.invoke(
        app, ["verify", "--spec", str(SPECS / "two_migrations.yaml"), "--dsn", bad, "--json"]
    )
    assert as_json.exit_code == 3
    assert json.loads(as_json.stdout)["ok"] is False


@pytest.mark.pg
def test_declared_tests_without_a_runner_fail_clearly(two: Result, fresh_db: Database) -> None:
    # verify reads the policy cases build compiled (model.sections): a declared ``tests:`` with no case
    assert two.model.sections is not None and two.model.sections.policy_cases is None
    sections = dataclasses.replace(two.model.sections, policy_cases=())
    with_tests = dataclasses.replace(two, model=dataclasses.replace(two.model, sections=sections))
    report = run_verify(with_tests, fresh_db.dsn)
    step = next(s for s in report.steps if s.name == "policy tests")  # later steps: cron jobs, plpgsql_check
    if importlib.util.find_spec(verify_run.POLICY_TESTS_MODULE) is None:
        assert step.problems == (f"the spec declares tests but {verify_run.POLICY_TESTS_MODULE} is missing",)
    else:
        assert step.status != "skipped"
