"""The SQL statement of one policy test case: what ``schemagen verify`` runs and the pgTAP file
(``render/pgtap.py``) writes, built with psycopg's ``sql`` composition (names as identifiers,
values as parameters)."""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from ..ir.policycases import Case, Raw, Value

#: SQLSTATE of a denied statement: a missing privilege or a row that fails a WITH CHECK.
DENIED = "42501"


def qualified(schema: str, name: str) -> sql.Composable:
    """``schema.name`` as two quoted identifiers."""
    return sql.SQL(".").join([sql.Identifier(schema), sql.Identifier(name)])


def _raw(text: str) -> sql.Composable:
    """Spec-authored SQL, with ``%`` doubled so it is not taken for a parameter placeholder."""
    return sql.SQL(text.replace("%", "%%"))


def _value(value: Value, params: list[Any]) -> sql.Composable:
    if isinstance(value, Raw):
        return sql.SQL("({})").format(_raw(value.sql))
    params.append(Jsonb(value.value) if value.json else value.value)
    return sql.SQL("%s::{}").format(_raw(value.cast)) if value.cast else sql.SQL("%s")


def _where(case: Case, params: list[Any]) -> sql.Composable:
    terms: list[sql.Composable] = []
    for col, value in case.where:
        if value is None:
            terms.append(sql.SQL("{} IS NULL").format(sql.Identifier(col)))
        else:
            terms.append(sql.SQL("{} = {}").format(sql.Identifier(col), _value(value, params)))
    if case.where_sql:
        terms.append(sql.SQL("({})").format(_raw(case.where_sql)))
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(terms) if terms else sql.SQL("")


def build_statement(case: Case) -> tuple[sql.Composed, list[Any]]:
    """The case's statement and its parameters."""
    params: list[Any] = []
    t = case.target
    target = qualified(t.schema, t.name)
    if case.command == "select":
        stmt = sql.SQL("SELECT * FROM {}").format(target) + _where(case, params)
    elif case.command == "insert":
        if case.values:
            cols = sql.SQL(", ").join(sql.Identifier(c) for c, _ in case.values)
            vals = sql.SQL(", ").join(_value(v, params) for _, v in case.values)
            stmt = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(target, cols, vals)
        else:
            stmt = sql.SQL("INSERT INTO {} DEFAULT VALUES").format(target)
    elif case.command == "update":
        sets = sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(c), _value(v, params)) for c, v in case.values
        )
        stmt = sql.SQL("UPDATE {} SET {}").format(target, sets) + _where(case, params)
    elif case.command == "delete":
        stmt = sql.SQL("DELETE FROM {}").format(target) + _where(case, params)
    else:
        args = []
        for name, value in case.args:
            v = _value(value, params)
            args.append(sql.SQL("{} => {}").format(sql.Identifier(name), v) if name else v)
        stmt = sql.SQL("SELECT * FROM {}({})").format(target, sql.SQL(", ").join(args))
    return stmt, params
