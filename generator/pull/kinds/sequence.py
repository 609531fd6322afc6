"""Sequences with every option; one owned by a column is pulled with ``owned_by`` unless it is what
``serial`` creates (then the column says ``serial``)."""

from __future__ import annotations

from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import grants_of
from . import Item, omit_defaults

QUERY = f"""
select n.nspname as schema, c.relname as name, format_type(s.seqtypid, null) as type, s.seqstart as start,
       s.seqincrement as increment, s.seqmin as min, s.seqmax as max, s.seqcache as cache, s.seqcycle as cycle,
       c.relacl as acl, c.relowner as owner, pg_get_userbyid(c.relowner) as owner_name,
       obj_description(c.oid, 'pg_class') as comment,
       (select d.deptype from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
          and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i') limit 1) as owned,
       (select quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(a.attname)
          from pg_depend d join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
          join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
          where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'a' limit 1) as owned_by,
       (select array[tn.nspname::text, t.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)]
          from pg_depend d join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
          join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
          where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'a' limit 1) as owner_column,
       (select tn.nspname = n.nspname and c.relname = t.relname || '_' || a.attname || '_seq'
               and pg_get_expr(ad.adbin, ad.adrelid) = 'nextval(' || quote_literal(c.oid::regclass::text)
                                                         || '::regclass)'
          from pg_depend d join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
          join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
          join pg_attrdef ad on ad.adrelid = t.oid and ad.adnum = a.attnum
          where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'a' limit 1) as serial
from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s) and {not_extension_member("pg_class", "c.oid")}
order by 1, 2
"""

LIMITS = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
          "bigint": (-9223372036854775808, 9223372036854775807)}


def default_bounds(type_: str, increment: int) -> tuple[int, int]:
    """Postgres's default MINVALUE and MAXVALUE for a sequence of ``type_``."""
    low, high = LIMITS[type_]
    return (1, high) if increment > 0 else (low, -1)


def read(cat: Catalog) -> list[Item]:
    """Free-standing sequences and those ``owned_by`` a column (identity and serial sequences belong
    to their column)."""
    out = []
    for r in cat.rows(QUERY):
        r = {**r, **dict(zip(("owned_schema", "owned_table", "owned_column", "owned_type"),
                             r["owner_column"] or (None,) * 4, strict=True))}
        if r["owned"] == "i":
            continue  # an identity column's sequence: see kinds/table.py
        name = qualified(r["schema"], r["name"])
        low, high = default_bounds(r["type"], r["increment"])
        defaults = r["start"] == (low if r["increment"] > 0 else high) and (
            r["increment"], r["min"], r["max"], r["cache"], r["cycle"]) == (1, low, high, 1, False)
        owned_by = None
        if r["owned_by"]:
            if r["serial"] and defaults and r["type"] == r["owned_type"]:
                continue  # a serial column's sequence: the column declares it (see kinds/table.py)
            if r["owned_schema"] != r["schema"]:
                cat.skip("sequence", name, f"owned by column {r['owned_by']} of another schema")
                continue
            owned_by = f"{r['owned_table']}.{r['owned_column']}"
        default_start = low if r["increment"] > 0 else high
        grants = grants_of(cat, "sequence", name, r["acl"], "s", r["owner"], r["owner_name"])
        data = omit_defaults({"name": r["name"], "schema": r["schema"], "type": r["type"],
                              "start": None if r["start"] == default_start else r["start"],
                              "increment": r["increment"],
                              "minvalue": None if r["min"] == low else r["min"],
                              "maxvalue": None if r["max"] == high else r["max"],
                              "cache": r["cache"], "cycle": r["cycle"], "owned_by": owned_by,
                              "comment": r["comment"], "grants": grants},
                             {"schema": "public", "type": "bigint", "increment": 1, "cache": 1, "cycle": False})
        out.append(Item("sequences", r["schema"], r["name"], data))
    return out
