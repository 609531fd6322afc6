"""Row level security policies: command, mode, roles, USING and WITH CHECK as Postgres deparses them."""

from __future__ import annotations

from typing import Any

from ..catalog import SUPABASE_SCHEMAS, Catalog
from . import Item, omit_defaults

QUERY = """
select n.nspname as schema, c.relname as "table", c.relkind as relkind, p.polname as name,
       case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                     when 'd' then 'delete' else 'all' end as command,
       p.polpermissive as permissive,
       array(select case when r = 0 then 'public' else pg_get_userbyid(r) end from unnest(p.polroles) r
             order by 1) as roles,
       pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
       obj_description(p.oid, 'pg_policy') as comment
from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s)
order by 1, 2, 4
"""


ATTACHED = QUERY.replace("n.nspname = any(%(schemas)s)", "n.nspname = any(%(supabase)s)")


def read(cat: Catalog) -> list[Item]:
    """Policies on pulled tables, and on Supabase (``attached_policies``) the application's policies on
    Supabase's tables (``storage.objects``, ``storage.buckets``)."""
    out = []
    if cat.supabase:
        supabase = [s for s in SUPABASE_SCHEMAS if s not in cat.schemas]
        for r in cat.rows(ATTACHED, {"supabase": supabase}):
            cat.referenced.add((r["schema"], r["table"]))
            data = {"table": f"{r['schema']}.{r['table']}", **_policy(r)}
            out.append(Item("attached_policies", r["schema"], r["name"], data, parent=r["table"]))
    for r in cat.rows(QUERY):
        out.append(Item("policies", r["schema"], r["name"], _policy(r), parent=r["table"]))
    return out


def _policy(r: dict[str, Any]) -> dict[str, Any]:
    data = {"name": r["name"], "command": r["command"],
            "mode": "permissive" if r["permissive"] else "restrictive", "roles": list(r["roles"]),
            "using": r["using"], "with_check": r["with_check"], "comment": r["comment"]}
    return omit_defaults(data, {"command": "all", "mode": "permissive", "roles": ["public"]})
