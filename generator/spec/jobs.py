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

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: JobName
    schedule: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    command: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    database: Annotated[str, Field(min_length=1)] | None = None
    description: str | None = None
