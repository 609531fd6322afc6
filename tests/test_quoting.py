"""Quoting: hostile identifiers must come back from the real Postgres grammar as the same names."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pglast import parser as pg

from generator.quoting import dollar_quote, quote_ident, quote_literal, quote_qualified

HOSTILE = [
    "plain", "Mixed", "with space", 'quo"te', '""', "select", "user", "order", "int", "between",
    "größe", "日本", "a-b", "1starts_with_digit", "x$y", "name;drop table t", "tab\there",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_identifier_round_trips_through_the_parser(name: str) -> None:
    tree = json.loads(pg.parse_sql_json(f"CREATE TABLE {quote_qualified('My Schema', name)} ({quote_ident(name)} int)"))
    stmt = tree["stmts"][0]["stmt"]["CreateStmt"]
    assert stmt["relation"]["relname"] == name
    assert stmt["relation"]["schemaname"] == "My Schema"
    assert stmt["tableElts"][0]["ColumnDef"]["colname"] == name


def test_only_needed_quotes() -> None:
    assert quote_ident("users") == "users"
    assert quote_ident("user") == '"user"'  # reserved
    assert quote_ident("Users") == '"Users"'
    assert quote_ident('a"b') == '"a""b"'
    assert quote_ident("name") == "name"  # unreserved keyword stays bare


@pytest.mark.parametrize("value", ["it's", "", "back\\slash", "line\nbreak", "ü"])
def test_literal_round_trips(value: str) -> None:
    tree = json.loads(pg.parse_sql_json(f"SELECT {quote_literal(value)}"))
    const = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["A_Const"]
    assert const.get("sval", {}).get("sval", "") == value


def test_literal_rejects_nul() -> None:
    with pytest.raises(ValueError):
        quote_literal("a\x00b")


def test_dollar_quote_picks_a_free_tag() -> None:
    body = "select '$$'; select $q1$x$q1$"
    quoted = dollar_quote(body)
    assert quoted.startswith("$q2$") and quoted.endswith("$q2$")
    tree = json.loads(pg.parse_sql_json(f"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS {quoted}"))
    options = tree["stmts"][0]["stmt"]["CreateFunctionStmt"]["options"]
    as_clause = next(o["DefElem"] for o in options if o["DefElem"]["defname"] == "as")
    assert as_clause["arg"]["List"]["items"][0]["String"]["sval"] == f"\n{body}\n"


def _as_clause(quoted: str) -> str:
    tree = json.loads(pg.parse_sql_json(f"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS {quoted}"))
    options = tree["stmts"][0]["stmt"]["CreateFunctionStmt"]["options"]
    as_clause = next(o["DefElem"] for o in options if o["DefElem"]["defname"] == "as")
    return str(as_clause["arg"]["List"]["items"][0]["String"]["sval"])


@example(body="select 1 as a$", tag="", newlines=False)  # closed the quote one character early
@example(body="select 1 as a$q", tag="q", newlines=False)
@example(body="$", tag="", newlines=False)
@given(body=st.text(alphabet="$q1a_ \n'", min_size=1, max_size=12), tag=st.sampled_from(["", "q", "body"]),
       newlines=st.booleans())
def test_dollar_quote_gives_the_body_back(body: str, tag: str, newlines: bool) -> None:
    """Whatever the body holds, the dollar-quoted text parses back to exactly the body (``verbatim``
    bodies, quoted without newlines, once ended early when they ended in ``$``)."""
    assert _as_clause(dollar_quote(body, tag, newlines=newlines)) == (f"\n{body}\n" if newlines else body)
