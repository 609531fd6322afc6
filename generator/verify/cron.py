"""pg_cron in ``schemagen verify``: install it (or a stand-in), then prove the declared jobs.

pg_cron runs in one database per server, fixed at start (``cron.database_name``). The pg_bin
backend starts its cluster with pg_cron preloaded and hands out that database (see
:data:`generator.verify.backends.CRON_DATABASE`); there the real extension is created. Elsewhere
(the embedded server has no pg_cron; a DSN server runs it in another database) a stand-in
``cron`` schema records the jobs, verify says so, and only the checks that need pg_cron are
skipped: the migrations, rollbacks and the commands themselves are still proven.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, Any

import psycopg

from generator.ir.jobs import JobIR

if TYPE_CHECKING:
    from .run import Outcome, VerifyContext

STANDIN_SQL = "cron_standin.sql"


def declared_jobs(ctx: VerifyContext) -> list[JobIR]:
    """The jobs of the verified model (the state after the last migration)."""
    return [o for o in ctx.result.model.objects.values() if isinstance(o, JobIR)]


def _value(conn: psycopg.Connection, query: str, params: tuple[Any, ...] | None = None) -> Any:
    """The first column of the one row ``query`` returns (these queries always return a row)."""
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise psycopg.DataError(f"no row from: {query}")
    return row[0]


def install_cron(conn: psycopg.Connection) -> str:
    """Make ``cron.schedule`` available; returns a note saying whether it is the real pg_cron."""
    if _value(conn, "select to_regclass('cron.job')") is not None:
        version = conn.execute("select extversion from pg_extension where extname = 'pg_cron'").fetchone()
        return f"pg_cron {version[0]} already installed" if version else "a cron schema is already present"
    why = real_cron_unavailable(conn)
    if why is None:
        conn.execute("CREATE EXTENSION pg_cron")
        version = conn.execute("select extversion from pg_extension where extname = 'pg_cron'").fetchone()
        return f"pg_cron {version[0]} installed" if version else "pg_cron installed"
    with conn.transaction():
        conn.execute(files(__package__).joinpath(STANDIN_SQL).read_text(encoding="utf-8"))
    return f"pg_cron not available ({why}): jobs recorded by a stand-in, not scheduled"


def real_cron_unavailable(conn: psycopg.Connection) -> str | None:
    """Why the real pg_cron cannot be created in this database (None when it can)."""
    row = conn.execute("select exists (select from pg_available_extensions where name = 'pg_cron'), "
                       "current_setting('shared_preload_libraries'), current_setting('cron.database_name', true), "
                       "current_database()").fetchone()
    assert row is not None
    available, preload, cron_db, here = row
    if not available:
        return "the extension is not installed on this server"
    if "pg_cron" not in (preload or ""):
        return "the server was not started with shared_preload_libraries = 'pg_cron'"
    if cron_db != here:
        return f"the server runs pg_cron in database {cron_db!r}, not {here!r}"
    return None


def has_real_cron(conn: psycopg.Connection) -> bool:
    """Whether this database has the pg_cron extension itself (not the stand-in)."""
    return bool(_value(conn, "select exists (select from pg_extension where extname = 'pg_cron')"))


def check_jobs(ctx: VerifyContext) -> Outcome:
    """``cron.job`` holds exactly the declared jobs; then each job's command runs once, as pg_cron
    runs it (a connection of its own, the command as one top-level statement, autocommit)."""
    from .run import Outcome

    jobs = declared_jobs(ctx)
    if not jobs:
        return Outcome(skipped=True, note="the spec declares no jobs")
    if _value(ctx.conn, "select to_regclass('cron.job')") is None:
        return Outcome(problems=("jobs are declared but the database has no cron.job",))
    here = _value(ctx.conn, "select current_database()")
    rows = ctx.conn.execute("select jobname, schedule, command, database from cron.job").fetchall()
    found = {r[0]: tuple(r[1:]) for r in rows}
    problems = []
    for job in jobs:
        want = (job.schedule, job.command, job.database or here)
        got = found.pop(job.id.name, None)
        if got is None:
            problems.append(f"{job.id} ({job.pos}) is not in cron.job")
        elif got != want:
            problems.append(f"{job.id} ({job.pos}) is in cron.job as {got}, expected {want}")
    problems += [f"cron.job holds undeclared job {name!r}" for name in sorted(found, key=str)]
    if problems:
        return Outcome(problems=tuple(problems))
    dsn = ctx.conn.info.dsn
    for job in jobs:
        if job.database not in (None, here):
            continue
        command = _value(ctx.conn, "select command from cron.job where jobname = %s", (job.id.name,))
        try:
            with psycopg.connect(dsn, autocommit=True) as run:
                run.execute(command)
        except psycopg.Error as exc:
            problems.append(f"{job.id} ({job.pos}): its command fails: {' '.join(str(exc).split())}")
    real = has_real_cron(ctx.conn)
    note = f"{len(jobs)} jobs in cron.job, each command run once" + (
        "" if real else "; pg_cron not available on this server: scheduling itself not checked")
    return Outcome(problems=tuple(problems), note=note)
