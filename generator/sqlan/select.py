"""Keys read from a query or predicate: a view's select list, the relations its FROM reads, the
columns an ``IS NOT NULL``-only predicate covers, the name Postgres gives an unnamed output column."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .nodes import names, select_target
from .parse import ParseError, parse, parse_expression
from .types import type_from_node


@lru_cache(maxsize=4096)
def select_list(query: str) -> str | None:
    """The top-level select list of a view query as its output columns see it (None when it has
    ``*`` or is not a plain SELECT): two queries with the same list read the same relations and
    give columns of the same names and types, so one can ``CREATE OR REPLACE`` the other.

    Positions are dropped; a bare column reference is named as Postgres names it; table aliases
    are replaced by the relation they stand for, and with a single relation qualifiers go (``i.id``
    and ``id`` over ``items i`` are one column).
    """
    try:
        tree = parse(query)
    except ParseError:
        return None
    stmts = tree.get("stmts", [])
    if len(stmts) != 1 or "SelectStmt" not in stmts[0]["stmt"]:
        return None
    select = stmts[0]["stmt"]["SelectStmt"]
    while "targetList" not in select and select.get("larg"):  # UNION: the first branch names the columns
        select = select["larg"]
    targets = select.get("targetList")
    if not targets:
        return None
    relations = from_relations(select.get("fromClause", []))

    def strip(node: object) -> object:
        if isinstance(node, dict):
            ref = node.get("ColumnRef")
            if isinstance(ref, dict):
                fields = [strip(f) for f in ref.get("fields", [])]
                if len(fields) == 2 and isinstance(fields[0], dict) and "String" in fields[0]:
                    qual = fields[0]["String"]["sval"]
                    fields = fields[1:] if len(relations) == 1 else \
                        [{"String": {"sval": relations.get(qual, qual)}}, fields[1]]
                return {"ColumnRef": {"fields": fields}}
            res = node.get("ResTarget")
            if isinstance(res, dict) and "name" not in res and "ColumnRef" in res.get("val", {}):
                last = res["val"]["ColumnRef"].get("fields", [{}])[-1]
                if "String" in last:
                    node = {"ResTarget": {**res, "name": last["String"]["sval"]}}
            return {k: strip(v) for k, v in node.items() if k != "location"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    text = json.dumps([sorted(set(relations.values())), strip(targets)], sort_keys=True)
    return None if '"A_Star"' in text else text


def from_relations(items: list[Any]) -> dict[str, str]:
    """Alias (or name) → ``schema.name`` of each relation a FROM clause reads directly."""
    out: dict[str, str] = {}
    todo = list(items)
    while todo:
        node = todo.pop()
        if not isinstance(node, dict):
            continue
        if "RangeVar" in node:
            rv = node["RangeVar"]
            full = f"{rv.get('schemaname', '')}.{rv['relname']}"
            out[rv.get("alias", {}).get("aliasname", rv["relname"])] = full
        elif "JoinExpr" in node:
            todo += [node["JoinExpr"].get("larg"), node["JoinExpr"].get("rarg")]
        else:
            out["?" + json.dumps(node, sort_keys=True)[:40]] = "?"  # a subquery or function: kept as is
    return out


@lru_cache(maxsize=4096)
def not_null_only(where: str) -> frozenset[str]:
    """The columns of a predicate made only of ``col IS NOT NULL`` (joined by AND); a predicate of
    any other shape gives a set no column list matches (``{"\\0"}``)."""
    try:  # the wrapper build reads the predicate with: one parse for both
        node: Any = select_target(parse_expression(where))[0]
    except ParseError:
        return frozenset({"\0"})
    if not isinstance(node, dict):
        return frozenset({"\0"})
    parts = node["BoolExpr"]["args"] if "BoolExpr" in node and node["BoolExpr"]["boolop"] == "AND_EXPR" else [node]
    cols: set[str] = set()
    for part in parts:
        test = part.get("NullTest") if isinstance(part, dict) else None
        fields = test.get("arg", {}).get("ColumnRef", {}).get("fields", []) if test else []
        if not test or test.get("nulltesttype") != "IS_NOT_NULL" or len(fields) != 1 or "String" not in fields[0]:
            return frozenset({"\0"})
        cols.add(fields[0]["String"]["sval"])
    return frozenset(cols)


def figure_colname(node: dict[str, Any]) -> str:
    """Postgres's FigureColname: the name a select-list entry without ``AS`` gets."""
    kind, body = next(iter(node.items()))
    if kind == "ColumnRef":
        return names(body["fields"])[-1]
    if kind == "TypeCast":
        inner = figure_colname(body["arg"])
        return inner if inner != "?column?" else type_from_node(body["typeName"]).name
    if kind == "FuncCall":
        return names(body["funcname"])[-1]
    if kind == "CoalesceExpr":
        return "coalesce"
    if kind == "CaseExpr":
        return "case"
    if kind == "SQLValueFunction":
        op: str = body["op"]
        return op.removeprefix("SVFOP_").removesuffix("_N").lower()
    if kind == "SubLink" and body["subLinkType"] == "EXISTS_SUBLINK":
        return "exists"
    if kind == "SubLink" and body["subLinkType"] == "ARRAY_SUBLINK":
        return "array"
    if kind == "MinMaxExpr":
        return "greatest" if body.get("op") == "IS_GREATEST" else "least"
    if kind == "A_ArrayExpr":
        return "array"
    return "?column?"
