"""pg_cron jobs: spec errors, migrate's alter and its exact rollback, and verify on real Postgres
(with real pg_cron when the server has it: a pg_bin cluster of Debian's postgresql-15-cron)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest

from generator.errors import SpecError
from generator.history import load_history
from generator.ir import build
from generator.ir.jobs import JobIR
from generator.pipeline import generate
from generator.plan import plan
from generator.render.seed import MARK_TEST_DATABASE
from generator.spec import load_spec
from generator.verify.backends import Server
from generator.verify.cron import install_cron
from generator.verify.run import execute_sql, run_verify
from generator.verify.standin import install_supabase_standin
from tests.outdb import OUT, migration_files

ROOT = Path(__file__).resolve().parents[2]

SPEC = """\
version: 1
migrations:
  - number: 1
    name: init
    tables:
      - name: t
        columns: [{name: id, type: int, primary_key: true}]
        grants: [{privileges: [select], to: [service_role]}]
    materialized_views:
      - name: mv
        query: select count(*) as n from public.t
        indexes: [{unique: true, columns: [n]}]
        grants: [{privileges: [select], to: [service_role]}]
    jobs:
      - {name: refresh, schedule: '0 3 * * *', command: REFRESH MATERIALIZED VIEW CONCURRENTLY public.mv}
      - {name: vacuum, schedule: '@weekly', command: 'VACUUM (ANALYZE) t, mv'}
"""


def _write(tmp_path: Path, text: str, name: str = "schema.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_job_command_is_one_statement_naming_known_relations(tmp_path: Path) -> None:
    bad = SPEC.replace("REFRESH MATERIALIZED VIEW CONCURRENTLY public.mv", "REFRESH MATERIALIZED VIEW nope") \
              .replace("'VACUUM (ANALYZE) t, mv'", "'VACUUM t; VACUUM mv'")
    with pytest.raises(SpecError) as err:
        build(load_spec(_write(tmp_path, bad)))
    messages = [f"{p.pos.line}:{p.message}" for p in err.value.problems]
    assert messages == ["15:job refresh command uses unknown relation public.nope",
                        "16:job 'vacuum' command must be exactly one statement, found 2"]


def test_changing_a_schedule_is_an_alter_with_an_exact_rollback(tmp_path: Path) -> None:
    old = build(load_spec(_write(tmp_path, SPEC, "old.yaml")))
    new = build(load_spec(_write(tmp_path, SPEC.replace("0 3 * * *", "0 5 * * *"), "new.yaml")))
    p = plan(old, new)
    assert [(op.action, str(op.obj.id)) for op in p.ops] == [("alter", "job refresh")]
    result = generate(_write(tmp_path, SPEC.replace("0 3 * * *", "0 5 * * *"), "new2.yaml"))
    assert "SELECT cron.schedule('refresh', '0 5 * * *'" in result.sql_files[0].text
    assert isinstance(new.objects[next(i for i in new.order if i.kind == "job")], JobIR)
    back = p.inverse().ops[0]
    assert back.obj.schedule == "0 3 * * *" and back.old.schedule == "0 5 * * *"  # type: ignore[attr-defined]


@pytest.mark.pg
def test_verify_proves_jobs_and_names_a_rollback_that_leaves_one(pg_server: Server, tmp_path: Path) -> None:
    result = generate(_write(tmp_path, SPEC))
    with pg_server.new_database(cron=True) as db:
        report = run_verify(result, db.dsn)
    assert report.ok, report
    cron = next(s for s in report.steps if s.name == "cron jobs")
    assert cron.status == "passed" and cron.note.startswith("2 jobs in cron.job")
    files = {f.name: f.text for f in result.files}
    files["rollback_001_init.sql"] = files["rollback_001_init.sql"].replace(
        "SELECT cron.unschedule('vacuum');", "")
    with pg_server.new_database(cron=True) as db:
        report = run_verify(result, db.dsn, files=files)
    problems = [p for s in report.steps for p in s.problems]
    assert "rollback_001_init.sql leaves job vacuum" in problems


def _real_cron(pg_server: Server) -> None:
    if pg_server.cron_database is None:
        pytest.skip("pg_cron is not available on this server (needs a pg_bin cluster with postgresql-15-cron)")


@pytest.mark.pg
def test_platform_jobs_with_real_pg_cron(pg_server: Server) -> None:
    """Apply 001..007: cron.job holds exactly the two declared jobs; rollback_007 leaves it as it was;
    the daily job, run as pg_cron runs it, makes the summaries show rows added since."""
    _real_cron(pg_server)
    with pg_server.new_database(cron=True) as db, psycopg.connect(db.dsn, autocommit=True) as conn:
        install_supabase_standin(conn)
        assert install_cron(conn).startswith("pg_cron 1.")
        jobs = lambda: conn.execute("select jobname, schedule, command from cron.job order by 1").fetchall()  # noqa: E731
        def apply(path: Path) -> None:  # statement by statement, as psql does (CONCURRENTLY steps)
            assert execute_sql(conn, path.name, path.read_text(encoding="utf-8")) is None

        ups = migration_files()
        jobs_migration = OUT / "007_maintenance_jobs.sql"
        for path in ups[:ups.index(jobs_migration)]:
            apply(path)
        before = jobs()
        apply(jobs_migration)
        assert [name for name, *_ in jobs()] == ["refresh_summaries_daily", "vacuum_analyze_weekly"]
        assert before == []
        apply(OUT / "rollback_007_maintenance_jobs.sql")
        assert jobs() == before
        for path in ups[ups.index(jobs_migration):]:
            apply(path)

        conn.execute(MARK_TEST_DATABASE)
        conn.execute((OUT / "seed_test_data.sql").read_text(encoding="utf-8"))
        daily = dict((n, c) for n, _s, c in jobs())

        def run_job(name: str) -> None:  # as pg_cron does: its own connection, one top-level statement
            with psycopg.connect(db.dsn, autocommit=True) as worker:
                worker.execute(daily[name])

        run_job("refresh_summaries_daily")
        total = "select coalesce(sum(total_tokens), 0) from public.monthly_usage_summary"
        first = conn.execute(total).fetchone()[0]
        conn.execute("""insert into public.usage_metrics (tenant_id, user_id, date, prompt_tokens, total_tokens)
                        select tenant_id, id, date '2001-01-01', 1000, 1000 from public.users limit 1""")
        assert conn.execute(total).fetchone()[0] == first  # not yet: a materialized view
        run_job("refresh_summaries_daily")
        assert conn.execute(total).fetchone()[0] == first + 1000
        run_job("vacuum_analyze_weekly")  # VACUUM as a job command: one top-level statement
        analyzed = conn.execute("select count(*) from pg_stat_user_tables where relname in "
                                "('conversations', 'messages', 'feedback', 'usage_metrics') "
                                "and last_vacuum is not null").fetchone()[0]
        assert analyzed == 4


@pytest.mark.pg
def test_platform_verify_with_real_pg_cron(pg_server: Server) -> None:
    _real_cron(pg_server)
    result = generate(ROOT / "schema.yaml", display="schema.yaml", history=load_history(OUT))
    with pg_server.new_database(cron=True) as db:
        report = run_verify(result, db.dsn)
    assert report.ok, [p for s in report.steps for p in s.problems]
    setup = report.steps[0]
    assert "pg_cron 1." in setup.note and "stand-in, not scheduled" not in setup.note
