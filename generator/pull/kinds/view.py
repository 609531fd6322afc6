"""Views (security_invoker, security_barrier, check option) and materialized views (with data)."""

from __future__ import annotations

from typing import Any

from ...kinds import Kind
from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import grants_of
from . import Item, omit_defaults

QUERY = f"""
select n.nspname as schema, c.relname as name, c.relkind as kind, pg_get_viewdef(c.oid) as query,
       c.reloptions as options, c.relispopulated as populated, c.relacl as acl, c.relowner as owner,
       pg_get_userbyid(c.relowner) as owner_name, obj_description(c.oid, 'pg_class') as comment,
       exists (select from pg_index i where i.indrelid = c.oid and i.indisunique and i.indpred is null)
         as has_unique,
       exists (select from pg_rewrite r where r.ev_class = c.oid and r.rulename <> '_RETURN') as has_rules
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm') and n.nspname = any(%(schemas)s) and {not_extension_member("pg_class", "c.oid")}
order by 2, 3
"""

VIEW_OPTIONS = {"security_invoker", "security_barrier", "check_option"}


def _options(raw: list[str] | None) -> dict[str, str]:
    return dict(o.split("=", 1) for o in raw or [])


def read(cat: Catalog) -> list[Item]:
    out = []
    for r in cat.rows(QUERY):
        name = qualified(r["schema"], r["name"])
        kind = Kind.VIEW if r["kind"] == "v" else Kind.MATERIALIZED_VIEW  # relkind 'v' or 'm'
        opts = _options(r["options"])
        if r["has_rules"]:
            cat.skip("rule", name, "rules other than the view's own")
        grants = grants_of(cat, kind, name, r["acl"], "r", r["owner"], r["owner_name"])
        query = r["query"].strip().rstrip(";").strip()
        data: dict[str, Any] = {"name": r["name"], "schema": r["schema"], "query": query}
        if kind is Kind.VIEW:
            extra = set(opts) - VIEW_OPTIONS
            if extra:
                cat.skip(kind, name, f"options {', '.join(sorted(extra))}")
            data["security_invoker"] = opts.get("security_invoker", "false").lower() in ("true", "on", "1")
            data["security_barrier"] = opts.get("security_barrier", "false").lower() in ("true", "on", "1")
            data["check_option"] = opts.get("check_option")
            defaults: dict[str, Any] = {"schema": "public", "security_invoker": True, "security_barrier": False}
            section = "views"
        else:
            if opts:
                cat.skip(kind, name, f"storage parameters {', '.join(sorted(opts))}")
            data["with_data"] = r["populated"]
            data["refresh"] = "concurrently" if r["has_unique"] else "blocking"
            defaults = {"schema": "public", "with_data": True, "refresh": "concurrently"}
            section = "materialized_views"
        data["grants"] = grants
        data["comment"] = r["comment"]
        out.append(Item(section, r["schema"], r["name"], omit_defaults(data, defaults)))
    return out
