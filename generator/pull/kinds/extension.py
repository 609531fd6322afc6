"""Extensions: name, schema, and the version and comment when they are not the server's default ones."""

from __future__ import annotations

from ..catalog import Catalog
from . import Item

QUERY = """
select x.extname as name, n.nspname as schema, x.extversion as version, a.default_version,
       obj_description(x.oid, 'pg_extension') as comment, a.comment as default_comment
from pg_extension x join pg_namespace n on n.oid = x.extnamespace
left join pg_available_extensions a on a.name = x.extname
where x.extname <> 'plpgsql'
order by 1
"""

#: Extensions a Supabase project has before the application's first migration.
SUPABASE_EXTENSIONS = ("pg_graphql", "pg_stat_statements", "pgcrypto", "pgjwt", "supabase_vault", "uuid-ossp",
                       "pgsodium", "pg_net", "pg_cron")


def read(cat: Catalog) -> list[Item]:
    """Extensions installed in a pulled schema, or (on Supabase) ones the project added anywhere."""
    out = []
    for r in cat.rows(QUERY):
        if cat.supabase and r["schema"] not in cat.schemas and r["name"] in SUPABASE_EXTENSIONS:
            continue
        if r["schema"] not in cat.schemas:
            cat.referenced.add((r["schema"], "*"))
        data = {"name": r["name"], "schema": r["schema"]}
        if r["version"] != r["default_version"]:
            data["version"] = r["version"]
        if r["comment"] != r["default_comment"]:  # the control file's comment is what no comment gives
            data["comment"] = r["comment"]
        out.append(Item("extensions", "", r["name"], data))
    return out
