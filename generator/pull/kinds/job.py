"""pg_cron jobs: rows of ``cron.job`` (pg_cron or its stand-in), as the spec's ``jobs:``."""

from __future__ import annotations

from ..catalog import Catalog
from . import Item, omit_defaults

QUERY = """
select jobid, jobname as name, schedule, command, database, username, active,
       database = current_database() as here, username = current_user as mine
from cron.job order by jobname, jobid
"""


def read(cat: Catalog) -> list[Item]:
    """Every scheduled job, when the database has pg_cron's catalog."""
    exists = cat.rows("select to_regclass('cron.job') is not null as present")[0]["present"]
    if not exists:
        return []
    out = []
    for r in cat.rows(QUERY):
        if r["name"] is None:
            cat.skip("job", f"#{r['jobid']}", "a job without a name")
            continue
        if not r["active"]:
            cat.skip("job", r["name"], "inactive")
        if not r["mine"]:
            cat.skip("job", r["name"], f"scheduled by {r['username']}, not by the role that runs the migrations")
        data = {"name": r["name"], "schedule": r["schedule"], "command": r["command"],
                "database": None if r["here"] else r["database"]}
        out.append(Item("jobs", "", r["name"], omit_defaults(data, {})))
    return out
