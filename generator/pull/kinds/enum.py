"""Enums: labels in order, comment, grants (a spec revokes PUBLIC's default USAGE: a database that
keeps it is pulled with an explicit grant to public)."""

from __future__ import annotations

from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import grants_of
from . import Item, omit_defaults

QUERY = f"""
select n.nspname as schema, t.typname as name, t.typacl as acl, t.typowner as owner,
       pg_get_userbyid(t.typowner) as owner_name, obj_description(t.oid, 'pg_type') as comment,
       array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) as labels
from pg_type t join pg_namespace n on n.oid = t.typnamespace
where t.typtype = 'e' and n.nspname = any(%(schemas)s) and {not_extension_member("pg_type", "t.oid")}
order by 1, 2
"""


def read(cat: Catalog) -> list[Item]:
    out = []
    for r in cat.rows(QUERY):
        name = qualified(r["schema"], r["name"])
        grants = grants_of(cat, "type", name, r["acl"], "T", r["owner"], r["owner_name"])
        data = omit_defaults({"name": r["name"], "schema": r["schema"], "values": list(r["labels"]),
                              "comment": r["comment"], "grants": grants}, {"schema": "public"})
        out.append(Item("enums", r["schema"], r["name"], data))
    return out
