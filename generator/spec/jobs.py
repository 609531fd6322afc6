"""Input type of a scheduled job (``jobs:`` of a migration): a pg_cron job, one statement on a schedule."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

JobName = Annotated[str, StringConstraints(min_length=1, max_length=63)]

#: What pg_cron reads as a schedule: five cron fields (numbers, names, ``*``, ranges, lists, steps,
#: ``$`` for the last day of the month), an ``@`` macro, or its interval form (``30 seconds``).
#: Looser than pg_cron in the fields; anything else (text, control characters) pg_cron refuses
#: only when the migration runs.
_SCHEDULE = re.compile(r"(?:[0-9A-Za-z*,/$-]+[ \t]+){4}[0-9A-Za-z*,/$-]+|@(?:yearly|annually|monthly|weekly|daily|"
                       r"midnight|hourly|reboot)|[1-9][0-9]? seconds?", re.IGNORECASE)


def _schedule(value: str) -> str:
    if not _SCHEDULE.fullmatch(value):
        raise ValueError(f"{value!r} is not a pg_cron schedule: five cron fields ('0 3 * * *'), an @ macro "
                         "('@daily') or an interval ('30 seconds')")
    return value


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
    schedule: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_schedule)]
    """Cron syntax ('0 3 * * *', '@daily') or pg_cron's interval form ('30 seconds')."""
    command: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    """Exactly one SQL statement, run by pg_cron as its own top-level statement (so VACUUM is allowed)."""
    database: Annotated[str, Field(min_length=1)] | None = None
    """Run it in another database (cron.schedule_in_database); default: the migration's database."""
    description: str | None = None
    """What the job is for, shown in the generated documentation."""
