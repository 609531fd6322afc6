"""Functions and procedures (SQL and PL/pgSQL): arguments with modes and defaults, result, every
attribute, grants."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog, not_extension_member, qualified
from ..privileges import grants_of
from . import Item, omit_defaults

QUERY = f"""
select p.oid, n.nspname as schema, p.proname as name, p.prokind as kind, l.lanname as language,
       p.prosrc as body, {{sqlbody}} as sql_body, p.provolatile as volatility, p.prosecdef as definer,
       p.proisstrict as strict, p.proleakproof as leakproof, p.proparallel as parallel, p.proconfig as config,
       p.proretset as retset, pg_get_function_result(p.oid) as result, p.procost as cost, p.prorows as rows,
       p.protrftypes is not null as transforms, p.prosupport <> 0 as support,
       pg_get_function_identity_arguments(p.oid) as identity,
       array(select format_type(t, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
             with ordinality a(t, i) order by i) as arg_types,
       coalesce(p.proargmodes::text[], array[]::text[]) as arg_modes,
       coalesce(p.proargnames, array[]::text[]) as arg_names,
       p.proacl as acl, p.proowner as owner, pg_get_userbyid(p.proowner) as owner_name,
       obj_description(p.oid, 'pg_proc') as comment
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
where n.nspname = any(%(schemas)s) and {not_extension_member("pg_proc", "p.oid")}
order by 2, 3, pg_get_function_identity_arguments(p.oid)
"""

MODES = {"i": "in", "o": "out", "b": "inout", "v": "variadic", "t": "table"}
KINDS = {"p": "procedure", "a": "aggregate", "w": "window function"}


def parse_search_path(value: str) -> str:
    """``"My Schema", pg_temp`` → ``My Schema, pg_temp``: the spec lists names unquoted."""
    names, cur, quoted, i = [], "", False, 0
    while i < len(value):
        ch = value[i]
        if ch == '"':
            if quoted and value[i + 1:i + 2] == '"':
                cur += '"'
                i += 1
            else:
                quoted = not quoted
        elif ch == "," and not quoted:
            names.append(cur.strip() if not cur.startswith(" ") else cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    names.append(cur.strip())
    return ", ".join(n for n in names if n)


def body_text(src: str) -> tuple[str, bool]:
    """The spec's body for ``prosrc``, and whether it must be kept verbatim: schemagen writes a body
    between two newlines, so only a source of that shape can be written the ordinary way."""
    inner = src[1:-1] if len(src) > 2 and src.startswith("\n") and src.endswith("\n") else ""
    if inner and inner == inner.strip():
        return inner, False
    return src, True


def read(cat: Catalog) -> list[Item]:
    sqlbody = "p.prosqlbody is not null" if cat.server_version >= 140000 else "false"
    out = []
    for r in cat.rows(QUERY.replace("{sqlbody}", sqlbody)):
        where = f"{qualified(r['schema'], r['name'])}({r['identity']})"
        if r["kind"] not in ("f", "p"):
            cat.skip(KINDS.get(r["kind"], "routine"), where)
            continue
        what = "function" if r["kind"] == "f" else "procedure"
        if r["language"] not in ("sql", "plpgsql"):
            cat.skip(what, where, f"language {r['language']}")
            continue
        if r["sql_body"]:
            cat.skip(what, where, "a SQL-standard body (BEGIN ATOMIC / RETURN)")
            continue
        if r["kind"] == "p":
            out.append(Item("procedures", r["schema"], f"{r['name']}({r['identity']})", _procedure(cat, r, where)))
        else:
            out.append(Item("functions", r["schema"], f"{r['name']}({r['identity']})", _function(cat, r, where)))
    return out


def _procedure(cat: Catalog, r: dict[str, Any], where: str) -> dict[str, Any]:
    """A procedure in the spec's shape: what a function has, less the result and its attributes."""
    data = _function(cat, r, where, "procedure")
    data.pop("returns", None)
    return data


def _function(cat: Catalog, r: dict[str, Any], where: str, what: str = "function") -> dict[str, Any]:
    arguments, table = [], []
    names = list(r["arg_names"])
    for i, (type_, mode) in enumerate(zip(r["arg_types"], list(r["arg_modes"]) or ["i"] * len(r["arg_types"]),
                                         strict=False)):
        name = names[i] if i < len(names) and names[i] else None
        if mode == "t":
            table.append({"name": name, "type": type_})
            continue
        default = None
        if mode in ("i", "b", "v"):
            default = cat.rows("select pg_get_function_arg_default(%(oid)s, %(n)s) as d",
                               {"oid": r["oid"], "n": i + 1})[0]["d"]
        arguments.append(omit_defaults({"name": name, "type": type_, "default": default, "mode": MODES[mode]},
                                       {"mode": "in"}))
    if r["cost"] != 100:
        cat.skip(what, where, f"COST {r['cost']:g}")
    if r["retset"] and r["rows"] != 1000:
        cat.skip(what, where, f"ROWS {r['rows']:g}")
    if r["transforms"] or r["support"]:
        cat.skip(what, where, "TRANSFORM or SUPPORT")
    search_path: str | None = None
    for setting in r["config"] or []:
        key, _, value = setting.partition("=")
        if key == "search_path":
            search_path = parse_search_path(value)
        else:
            cat.skip(what, where, f"SET {key}")
    grants = grants_of(cat, "function", where, r["acl"], "f", r["owner"], r["owner_name"])
    data: dict[str, Any] = {"name": r["name"], "schema": r["schema"], "arguments": arguments}
    if table:
        data["returns_table"] = table
    else:
        data["returns"] = r["result"]
    attributes = {
        "language": r["language"],
        "volatility": {"i": "immutable", "s": "stable", "v": "volatile"}[r["volatility"]],
        "security": "definer" if r["definer"] else "invoker", "strict": r["strict"], "leakproof": r["leakproof"],
        "parallel": {"s": "safe", "r": "restricted", "u": "unsafe"}[r["parallel"]],
    }
    if what == "procedure":  # a procedure has no volatility, strictness, leakproofness or parallel safety
        attributes = {k: attributes[k] for k in ("language", "security")}
    data.update(omit_defaults(attributes, {"language": "sql", "volatility": "volatile", "security": "invoker",
                                           "strict": False, "leakproof": False, "parallel": "unsafe"}))
    if search_path != "pg_catalog, pg_temp":
        data["search_path"] = search_path
    data["grants"] = grants
    data["comment"] = r["comment"]
    data["body"], verbatim = body_text(r["body"])
    if verbatim:
        data["verbatim"] = True
    return {k: v for k, v in data.items() if (v is not None or k == "search_path") and v != []}
