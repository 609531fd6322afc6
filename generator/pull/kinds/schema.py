"""Schemas: name, comment, grants (CREATE SCHEMA never revokes, so only what was granted)."""

from __future__ import annotations

from ..catalog import Catalog
from ..privileges import grants_of
from . import Item, omit_defaults

QUERY = """
select n.nspname as name, n.nspacl as acl, n.nspowner as owner, pg_get_userbyid(n.nspowner) as owner_name,
       obj_description(n.oid, 'pg_namespace') as comment
from pg_namespace n where n.nspname = any(%(schemas)s) and n.nspname <> 'public'
order by 1
"""


def read(cat: Catalog) -> list[Item]:
    """Every pulled schema but ``public`` (which exists on every target)."""
    out = []
    for r in cat.rows(QUERY):
        grants = grants_of(cat, "schema", r["name"], r["acl"], "n", r["owner"], r["owner_name"])
        data = omit_defaults({"name": r["name"], "comment": r["comment"], "grants": grants}, {})
        out.append(Item("schemas", "", r["name"], data))
    return out
