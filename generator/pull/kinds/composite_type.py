"""Composite types: attributes (name, type, collation), comment, grants (generator/kinds/composite_type.py)."""

from __future__ import annotations

from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import grants_of
from . import Item, omit_defaults

QUERY = f"""
select n.nspname as schema, t.typname as name, t.typacl as acl, t.typowner as owner,
       pg_get_userbyid(t.typowner) as owner_name, obj_description(t.oid, 'pg_type') as comment,
       array(select a.attname::text from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0
               and not a.attisdropped order by a.attnum) as attribute_names,
       array(select format_type(a.atttypid, a.atttypmod) from pg_attribute a where a.attrelid = t.typrelid
               and a.attnum > 0 and not a.attisdropped order by a.attnum) as attribute_types,
       array(select case when a.attcollation <> at.typcollation then
                      case when cn.nspname = 'pg_catalog' then co.collname::text
                           else cn.nspname || '.' || co.collname end end
               from pg_attribute a join pg_type at on at.oid = a.atttypid
               left join pg_collation co on co.oid = a.attcollation
               left join pg_namespace cn on cn.oid = co.collnamespace
              where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped order by a.attnum)
         as attribute_collations
from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_class c on c.oid = t.typrelid
where t.typtype = 'c' and c.relkind = 'c' and n.nspname = any(%(schemas)s)
  and {not_extension_member("pg_type", "t.oid")}
order by 1, 2
"""


def read(cat: Catalog) -> list[Item]:
    out = []
    for r in cat.rows(QUERY):
        name = qualified(r["schema"], r["name"])
        grants = grants_of(cat, "composite type", name, r["acl"], "T", r["owner"], r["owner_name"])
        attributes = [omit_defaults({"name": n, "type": t, "collation": c}, {})
                      for n, t, c in zip(r["attribute_names"], r["attribute_types"], r["attribute_collations"],
                                         strict=True)]
        data = omit_defaults({"name": r["name"], "schema": r["schema"], "attributes": attributes,
                              "comment": r["comment"], "grants": grants}, {"schema": "public"})
        out.append(Item("composite_types", r["schema"], r["name"], data))
    return out
