"""Triggers on tables and views: timing, events, UPDATE OF, FOR EACH, WHEN, function and arguments;
constraint triggers (deferrable, FROM a referenced table) and transition tables (REFERENCING)."""

from __future__ import annotations

import re
from typing import Any

from ..catalog import Catalog, qualified
from . import Item, omit_defaults

QUERY = """
select n.nspname as schema, c.relname as "table", t.tgname as name, t.tgtype::int as type,
       t.tgenabled as enabled, t.tgconstraint <> 0 as is_constraint, t.tgdeferrable as deferrable,
       t.tginitdeferred as initially_deferred,
       fn.nspname as function_schema, f.proname as function_name, t.tgnargs as nargs, t.tgargs as args,
       array(select a.attname::text from unnest(t.tgattr::int2[]) with ordinality k(n, o)
             join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = k.n order by k.o) as update_of,
       pg_get_triggerdef(t.oid) as def, t.tgoldtable as old_table, t.tgnewtable as new_table,
       obj_description(t.oid, 'pg_trigger') as comment, rn.nspname as from_schema, r.relname as from_table
from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
join pg_proc f on f.oid = t.tgfoid join pg_namespace fn on fn.oid = f.pronamespace
left join pg_class r on r.oid = t.tgconstrrelid left join pg_namespace rn on rn.oid = r.relnamespace
where not t.tgisinternal and n.nspname = any(%(schemas)s) and {own}
order by 1, 2, 3
"""

WHEN = re.compile(r" WHEN \((.*)\) EXECUTE (?:FUNCTION|PROCEDURE) ", re.S)


ATTACHED = QUERY.replace("n.nspname = any(%(schemas)s)", "n.nspname <> all(%(schemas)s) and fn.nspname = "
                         "any(%(schemas)s) and n.nspname not in ('pg_catalog', 'information_schema')")


def read(cat: Catalog) -> list[Item]:
    """Triggers on pulled relations, and (``attached_triggers``) the application's triggers on tables
    outside the pulled schemas (``auth.users``): those whose function the pull declares."""
    # a partition's clone of its table's trigger is the table's (tgparentid, PostgreSQL 13 on)
    own = "t.tgparentid = 0" if cat.server_version >= 130000 else "true"
    out = []
    for r in cat.rows(ATTACHED.replace("{own}", own)):
        cat.referenced.add((r["schema"], r["table"]))
        data = {"table": f"{r['schema']}.{r['table']}", **trigger_data(cat, r)}
        out.append(Item("attached_triggers", r["schema"], r["name"], data, parent=r["table"]))
    for r in cat.rows(QUERY.replace("{own}", own)):
        where = f"{qualified(r['schema'], r['table'])}.{r['name']}"
        if r["enabled"] != "O":
            cat.skip("trigger", where, "disabled or replica/always mode")
        out.append(Item("triggers", r["schema"], r["name"], trigger_data(cat, r), parent=r["table"]))
    return out


def trigger_data(cat: Catalog, r: dict[str, Any]) -> dict[str, Any]:
    """One trigger row in the spec's shape (also used for triggers on Supabase's tables)."""
    tg = r["type"]
    timing = "instead of" if tg & 64 else "before" if tg & 2 else "after"
    events = [e for bit, e in ((4, "insert"), (16, "update"), (8, "delete"), (32, "truncate")) if tg & bit]
    m = WHEN.search(r["def"])
    args = bytes(r["args"]).split(b"\x00")[: r["nargs"]] if r["nargs"] else []
    fn = r["function_name"] if r["function_schema"] == r["schema"] and r["schema"] in cat.schemas else \
        f"{r['function_schema']}.{r['function_name']}"
    if r["function_schema"] not in cat.schemas:
        cat.referenced.add((r["function_schema"], r["function_name"]))
    src = None  # FROM: the table a constraint trigger's constraint references
    if r["from_table"] is not None:
        src = r["from_table"] if r["from_schema"] == r["schema"] and r["schema"] in cat.schemas else \
            f"{r['from_schema']}.{r['from_table']}"
        if r["from_schema"] not in cat.schemas:
            cat.referenced.add((r["from_schema"], r["from_table"]))
    data = {"name": r["name"], "timing": timing, "events": events, "update_of": list(r["update_of"]),
            "for_each": "row" if tg & 1 else "statement", "when": m.group(1) if m else None,
            "function": fn, "arguments": [a.decode() for a in args],
            "constraint": r["is_constraint"], "deferrable": r["deferrable"],
            "initially": "deferred" if r["initially_deferred"] or not r["deferrable"] else "immediate", "from": src,
            "referencing": omit_defaults({"new_table": r["new_table"], "old_table": r["old_table"]}, {}) or None,
            "comment": r["comment"]}
    return omit_defaults(data, {"for_each": "row", "constraint": False, "deferrable": False, "initially": "deferred"})
