"""How each kind of object changes in place, or why it cannot (then it is dropped and re-created).

=====================  ===========================================================================
kind                   strategy for a changed object
=====================  ===========================================================================
table                  ALTER TABLE, part by part (:mod:`.tables`); never dropped for a change
function               CREATE OR REPLACE when arguments and result are unchanged, else replace
view                   CREATE OR REPLACE when its select list is unchanged, else replace
materialized view      replace (with its indexes) unless only comment or grants changed
index                  replace (concurrently on a live table) unless only the comment changed
policy                 ALTER POLICY when command, mode and which clauses exist are unchanged
trigger                CREATE OR REPLACE TRIGGER
type (enum)            ALTER TYPE … ADD VALUE when values are only added; else re-create the type
                       and convert its columns (dropping a value is destructive)
sequence, schema       ALTER / COMMENT / GRANT
extension              ALTER EXTENSION … UPDATE TO when only the version changed, else replace
constraint             replace
raw                    replace: the old down, then the new up (generator/ir/raw.py)
=====================  ===========================================================================

Comments and grants of every kind change in place (COMMENT ON, REVOKE/GRANT).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pglast import parser as pg

from ..ir.ids import ObjectId
from ..ir.model import EnumIR, Model, Obj, TableIR
from ..kinds import kind_def
from .ops import Op


def alter_ops(before: Obj, after: Obj, *, online: bool = False) -> list[Op] | None:
    """The in-place ops that change ``before`` into ``after``, or None when it must be replaced
    (each kind's strategy is in its registry module)."""
    strategy = kind_def(before.id.kind).alter
    return None if strategy is None else strategy(before, after, online)


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
        tree = json.loads(pg.parse_sql_json(query))
    except pg.ParseError:
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
    relations = _from_relations(select.get("fromClause", []))

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


def _from_relations(items: list[Any]) -> dict[str, str]:
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


def enum_users(model: Model, type_id: ObjectId) -> tuple[tuple[ObjectId, str, str | None, bool], ...]:
    """(table, column, default, is array) of every column of ``model`` whose type is enum ``type_id``."""
    obj = model.objects.get(type_id)
    if not isinstance(obj, EnumIR):
        return ()
    names = {type_id.name, type_id.qualified, f'"{type_id.schema}"."{type_id.name}"', f'"{type_id.name}"'}
    out = []
    for oid in model.order:
        t = model.objects[oid]
        if isinstance(t, TableIR) and type_id in model.deps.get(oid, ()):
            for c in t.columns:
                base = c.type.strip()
                is_array = base.endswith("[]")
                if base.removesuffix("[]").strip() in names:
                    out.append((oid, c.name, c.default, is_array))
    return tuple(out)
