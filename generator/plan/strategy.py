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
from ..ir.model import EnumIR, FunctionIR, Model, Obj, TableIR, ViewIR
from .ops import Op

#: Kinds whose dependency on another object Postgres records, so it refuses to drop (or retype)
#: what they use: they are replaced along with it.
TRACKED = ("view", "materialized view", "policy", "trigger", "index")

#: Fields that never need more than COMMENT ON / GRANT / REVOKE.
SIDE_FIELDS = ("comment", "grants", "revoke_from")


def _only(before: Obj, after: Obj, *fields: str) -> bool:
    """Whether ``before`` and ``after`` differ in nothing but ``fields`` (and the side fields)."""
    import dataclasses

    allowed = set(fields) | set(SIDE_FIELDS)
    return all(getattr(before, f.name) == getattr(after, f.name)
               for f in dataclasses.fields(before) if f.compare and f.name not in allowed)


def alter_ops(before: Obj, after: Obj, *, online: bool = False,
              users: tuple[tuple[ObjectId, str, str | None, bool], ...] = ()) -> list[Op] | None:
    """The in-place ops that change ``before`` into ``after``, or None when it must be replaced."""
    kind = before.id.kind
    alter = [Op("alter", after, before, online=online)]
    if kind == "function":
        assert isinstance(before, FunctionIR) and isinstance(after, FunctionIR)
        same_sig = (before.arguments == after.arguments and before.returns == after.returns
                    and before.returns_table == after.returns_table)
        return alter if same_sig else None
    if kind == "view":
        assert isinstance(before, ViewIR) and isinstance(after, ViewIR)
        ok = _only(before, after, "query", "security_invoker", "security_barrier", "check_option")
        return alter if ok and select_list(before.query) == select_list(after.query) is not None else None
    if kind == "extension":
        return alter if _only(before, after, "version") else None
    if kind in ("materialized view", "index", "constraint"):
        return alter if _only(before, after) else None
    if kind == "policy":
        same_shape = _only(before, after, "roles", "using", "with_check")
        clauses = all((getattr(before, c) is None) == (getattr(after, c) is None) for c in ("using", "with_check"))
        return alter if same_shape and clauses else None
    if kind == "raw":
        return None  # old down, then new up: see generator/ir/raw.py
    if kind == "type":
        return [Op("alter", after, before, online=online, extra=users)]
    return alter  # trigger (CREATE OR REPLACE), sequence, schema


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
