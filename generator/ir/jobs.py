"""The ``job`` kind: a pg_cron job. Everything schemagen knows about jobs, in one place.

A job is identified by its name (pg_cron's ``jobname``; no schema). It is created by
``cron.schedule`` (or ``cron.schedule_in_database``), dropped by ``cron.unschedule`` and altered by
scheduling it again under the same name, which pg_cron updates in place. Its command is parsed
with pglast: exactly one statement, and every relation it names must exist in the model.

pg_cron runs each command as its own top-level statement, outside any function or explicit
transaction, so ``VACUUM`` (which refuses to run in a transaction block) is a valid command as long
as the job holds that one statement: several tables are vacuumed by one ``VACUUM (ANALYZE) a, b``.

Templates: ``templates/sql/job/{create,drop,alter}.sql.j2``. pg_cron itself is not created by a
migration: it is a server-level extension that the target provides (on Supabase: enable it under
Database → Extensions), as ``auth`` is; ``schemagen verify`` installs it (or a stand-in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kinds import Kind
from .ids import ObjectId
from .model import Obj
from .sql import SqlRefs, command_refs

if TYPE_CHECKING:
    from ..spec.jobs import Job
    from .build import Builder

KIND = Kind.JOB
CRON_SCHEMA = "cron"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobIR(Obj):
    """A pg_cron job: run ``command`` on ``schedule`` (in ``database``, or pg_cron's own database)."""

    schedule: str
    command: str
    database: str | None = None


def job_id(name: str) -> ObjectId:
    """The identity of job ``name`` (jobs have no schema)."""
    return ObjectId(KIND, "", name)


def build_job(b: Builder, d: Job, mig: int, path: tuple[Any, ...]) -> None:
    """Add job ``d`` of migration ``mig`` to the builder, with the relations its command uses."""
    command = d.command.strip()
    refs = b.sql(command, path + ("command",), f"job {d.name!r} command", command_refs)
    obj = JobIR(id=job_id(d.name), migration=mig, schedule=d.schedule, command=command.rstrip(";").strip(),
                database=d.database, description=d.description, pos=b.pos(path))
    b.add(obj, path, (), [("command", refs, path + ("command",))])


def check_jobs(b: Builder) -> None:
    """Every relation a job's command names must be declared (or external): a located error otherwise."""
    managed = b.managed_schemas()  # unknown relations in these are reported by the builder already
    for pending in b.pending.values():
        obj = pending.obj
        if not isinstance(obj, JobIR) or not pending.sql:
            continue
        _what, refs, path = pending.sql[0]
        for sch, rel in sorted(refs.relations, key=lambda r: (r[0] or "", r[1])):
            if sch in managed or b.resolve_relation(sch, rel, "public") is not None:
                continue
            if (sch or "public", rel) not in b.externals:
                b.error(path, f"{obj.id} command uses unknown relation {sch or 'public'}.{rel}")


def relations_of(obj: JobIR) -> SqlRefs:
    """What the command of ``obj`` names (for docs)."""
    return command_refs(obj.command)
