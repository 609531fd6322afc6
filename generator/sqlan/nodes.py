"""Small readers of pglast JSON nodes shared by every walk: name lists, searches, normal forms."""

from __future__ import annotations

from typing import Any

QName = tuple[str | None, str]


def names(nodes: list[dict[str, Any]]) -> list[str]:
    """The string parts of a pglast JSON name list (``funcname``, ``fields``, ``names``)."""
    return [n["String"]["sval"] for n in nodes if "String" in n]


def qname(parts: list[str]) -> QName:
    """(schema or None, name) from a possibly qualified name's parts."""
    return (parts[-2], parts[-1]) if len(parts) >= 2 else (None, parts[-1])


def contains(node: Any, keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` found anywhere in a pglast JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                return str(key)
            found = contains(value, keys)
            if found:
                return found
    elif isinstance(node, list):
        for item in node:
            found = contains(item, keys)
            if found:
                return found
    return None


def strip_locations(node: Any) -> Any:
    """A copy of ``node`` without ``location`` keys: two texts that differ only in layout compare equal."""
    if isinstance(node, dict):
        return {k: strip_locations(v) for k, v in node.items() if k != "location"}
    if isinstance(node, list):
        return [strip_locations(v) for v in node]
    return node


def select_target(tree: Any) -> tuple[Any, str | None]:
    """The single target of a wrapper ``SELECT (…)``, or (None, why not)."""
    stmts = tree.get("stmts", [])
    if len(stmts) != 1:
        return None, f"found {len(stmts)} statements"
    select = stmts[0]["stmt"].get("SelectStmt")
    if select is None or set(select) - {"targetList", "limitOption", "op"} or len(select["targetList"]) != 1:
        return None, "found more than one expression"
    target = select["targetList"][0]["ResTarget"]
    if "name" in target:
        return None, "found an alias"
    return target["val"], None


def statement_kind(stmt: dict[str, Any]) -> str:
    """``SelectStmt``, ``InsertStmt``, … of one entry of a tree's ``stmts``."""
    return next(iter(stmt["stmt"]), "?")


#: Aggregates and set-returning functions: a view with one in its select list is not updatable.
AGGREGATES = {"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg",
              "json_object_agg", "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or",
              "stddev", "variance", "percentile_cont", "percentile_disc", "mode"}
SET_RETURNING = {"unnest", "generate_series", "jsonb_array_elements", "json_array_elements",
                 "jsonb_each", "json_each", "regexp_matches", "jsonb_object_keys", "json_object_keys"}


def has_aggregate(node: Any) -> bool:
    """An aggregate, window or set-returning call anywhere in the expression (not in sub-selects)."""
    if isinstance(node, dict):
        if "SubLink" in node:
            return False
        call = node.get("FuncCall")
        if call is not None:
            name = names(call["funcname"])[-1]
            if name in AGGREGATES or name in SET_RETURNING or call.get("over") or call.get("agg_star"):
                return True
        return any(has_aggregate(v) for v in node.values())
    if isinstance(node, list):
        return any(has_aggregate(v) for v in node)
    return False
