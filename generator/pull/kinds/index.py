"""Indexes of tables and materialized views (those behind a key constraint belong to the table; those
of a partition attached to its table's index are the table's index, cloned by Postgres)."""

from __future__ import annotations

from typing import Any

from ...ir.names import index_name
from ...ir.sql import expression_refs
from ..catalog import Catalog, not_extension_member, qualified
from . import Item, omit_defaults
from .table import _check_expression

METHODS = ("btree", "gin", "gist", "brin", "hash", "spgist")

QUERY = f"""
select n.nspname as schema, tc.relname as "table", ic.relname as name, i.indexrelid as oid,
       am.amname as method, i.indisunique as is_unique, i.indnkeyatts as nkey, i.indnatts as natts,
       {{nnd}} as nulls_not_distinct, pg_get_expr(i.indpred, i.indrelid) as "where",
       ic.reloptions as options, obj_description(ic.oid, 'pg_class') as comment,
       array(select coalesce(a.attname::text, '') from unnest(i.indkey::int2[]) with ordinality k(n, o)
             left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n and k.n <> 0
             order by k.o) as columns,
       array(select case when oc.opcdefault then '' when ocn.nspname = 'pg_catalog' then quote_ident(oc.opcname)
                         else quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) end
             from unnest(i.indclass::oid[]) with ordinality k(c, o) join pg_opclass oc on oc.oid = k.c
             join pg_namespace ocn on ocn.oid = oc.opcnamespace order by k.o) as opclasses,
       i.indoption::int2[] as options_bits, i.indisvalid as valid, tc.relkind as relkind,
       exists (select from unnest(i.indcollation::oid[]) with ordinality k(c, o)
               left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[k.o - 1]
                                          and i.indkey[k.o - 1] <> 0
               where k.c <> 0 and k.c <> coalesce(a.attcollation, 100)) as collated,
       exists (select from pg_constraint con where con.conindid = i.indexrelid and con.conrelid = i.indrelid
               and con.contype in ('p', 'u', 'x')) as constraint_index
from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class tc on tc.oid = i.indrelid
join pg_namespace n on n.oid = tc.relnamespace join pg_am am on am.oid = ic.relam
where n.nspname = any(%(schemas)s) and tc.relkind in ('r', 'm', 'p') and not ic.relispartition
  and {not_extension_member("pg_class", "tc.oid")}
order by 1, 2, 3
"""


def read(cat: Catalog) -> list[Item]:
    """Every index that no key constraint owns, as a child of its relation."""
    nnd = "i.indnullsnotdistinct" if cat.server_version >= 150000 else "false"
    out = []
    for r in cat.rows(QUERY.replace("{nnd}", nnd)):
        if r["constraint_index"]:
            continue
        out.append(Item("indexes", r["schema"], r["name"], _index(cat, r), parent=r["table"]))
    return out


def _index(cat: Catalog, r: dict[str, Any]) -> dict[str, Any]:
    where = qualified(r["schema"], r["name"])
    if r["method"] not in METHODS:
        cat.skip("index", where, f"access method {r['method']}")
    if r["options"]:
        cat.skip("index", where, f"storage parameters {', '.join(r['options'])}")
    if r["collated"]:
        cat.skip("index", where, "a collation other than its column's")
    if r["relkind"] == "p" and not r["valid"]:
        cat.skip("index", where, "ON ONLY a partitioned table, not attached on every partition")
    elements: list[Any] = []
    parts: list[str] = []
    for k in range(r["nkey"]):
        column = r["columns"][k]
        bits = r["options_bits"][k] if k < len(r["options_bits"]) else 0
        desc, nulls_first = bool(bits & 1), bool(bits & 2)
        el: dict[str, Any] = {}
        if column:
            el["column"] = column
            parts.append(column)
        else:
            expr = cat.rows("select pg_get_indexdef(%(oid)s, %(k)s, false) as e", {"oid": r["oid"], "k": k + 1})[0]["e"]
            expr = _check_expression(expr)
            el["expression"] = expr
            refs = expression_refs(expr)
            parts.append(sorted(refs.columns)[0] if refs.columns else "expr")
        if r["method"] == "btree":
            el["order"] = "desc" if desc else None
            el["nulls"] = ("first" if nulls_first and not desc else "last" if desc and not nulls_first else None)
        el["opclass"] = r["opclasses"][k] or None
        el = {key: v for key, v in el.items() if v is not None}
        elements.append(el["column"] if list(el) == ["column"] else el)
    include = [c for c in r["columns"][r["nkey"]:r["natts"]]]
    data = {
        "name": None if r["name"] == index_name(r["table"], parts) else r["name"],
        "columns": elements, "unique": r["is_unique"], "method": r["method"],
        "where": _check_expression(r["where"]) if r["where"] else None, "include": include,
        "nulls_not_distinct": r["nulls_not_distinct"], "comment": r["comment"],
    }
    return omit_defaults(data, {"unique": False, "method": "btree", "nulls_not_distinct": False})
