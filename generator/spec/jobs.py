"""Input type of a scheduled job (``jobs:`` of a migration): a pg_cron job, one statement on a schedule."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

JobName = Annotated[str, StringConstraints(min_length=1, max_length=63)]


class Job(BaseModel):
    """``{name, schedule, command, database?}``: ``cron.schedule(name, schedule, command)``.

    ``schedule`` is cron syntax (``'0 3 * * *'``, ``'@daily'``, or pg_cron's ``'30 seconds'``);
    ``command`` is exactly one SQL statement, run by pg_cron as its own top-level statement (so
    ``VACUUM`` is allowed); ``database`` runs it in another database (``cron.schedule_in_database``).
    """

    # defer_build, no use_attribute_docstrings: see the Spec class of generator/spec/models.py

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: JobName
    """The job's name in cron.job (unique per database)."""
    schedule: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    """Cron syntax ('0 3 * * *', '@daily') or pg_cron's interval form ('30 seconds')."""
    command: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    """Exactly one SQL statement, run by pg_cron as its own top-level statement (so VACUUM is allowed)."""
    database: Annotated[str, Field(min_length=1)] | None = None
    """Run it in another database (cron.schedule_in_database); default: the migration's database."""
    description: str | None = None
    """What the job is for, shown in the generated documentation."""
