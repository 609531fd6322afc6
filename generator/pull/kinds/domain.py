"""Domains: base type, collation, NOT NULL, default, named checks, comment, grants (generator/kinds/domain.py)."""

from __future__ import annotations

from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import grants_of
from . import Item, omit_defaults
from .table import _check_expression

QUERY = f"""
select n.nspname as schema, t.typname as name, format_type(t.typbasetype, t.typtypmod) as type,
       t.typnotnull as not_null, t.typdefault as default, t.typacl as acl, t.typowner as owner,
       pg_get_userbyid(t.typowner) as owner_name, obj_description(t.oid, 'pg_type') as comment,
       case when t.typcollation <> (select b.typcollation from pg_type b where b.oid = t.typbasetype) then
         case when cn.nspname = 'pg_catalog' then co.collname::text else cn.nspname || '.' || co.collname end
       end as collation,
       array(select c.conname::text from pg_constraint c where c.contypid = t.oid and c.contype = 'c'
             order by c.oid) as check_names,
       array(select pg_get_constraintdef(c.oid) from pg_constraint c where c.contypid = t.oid and c.contype = 'c'
             order by c.oid) as check_defs,
       array(select c.conname::text from pg_constraint c where c.contypid = t.oid and c.contype = 'c'
               and not c.convalidated order by c.oid) as not_valid
from pg_type t join pg_namespace n on n.oid = t.typnamespace
left join pg_collation co on co.oid = t.typcollation left join pg_namespace cn on cn.oid = co.collnamespace
where t.typtype = 'd' and n.nspname = any(%(schemas)s) and {not_extension_member("pg_type", "t.oid")}
order by 1, 2
"""


def read(cat: Catalog) -> list[Item]:
    out = []
    for r in cat.rows(QUERY):
        name = qualified(r["schema"], r["name"])
        if r["not_valid"]:
            cat.skip("domain", name, f"a check not validated yet ({', '.join(r['not_valid'])})")
        grants = grants_of(cat, "domain", name, r["acl"], "T", r["owner"], r["owner_name"])
        checks = [{"name": n, "expression": _check_expression(d)} for n, d in zip(r["check_names"], r["check_defs"],
                                                                                    strict=True)]
        data = omit_defaults({"name": r["name"], "schema": r["schema"], "type": r["type"], "collation": r["collation"],
                              "not_null": r["not_null"],
                              "default": r["default"], "checks": checks, "comment": r["comment"],
                              "grants": grants}, {"schema": "public", "not_null": False})
        out.append(Item("domains", r["schema"], r["name"], data))
    return out
