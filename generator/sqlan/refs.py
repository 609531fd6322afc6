"""What a piece of SQL text refers to, read with the real Postgres grammar (pglast).

Every text goes through :mod:`.parse` (one cached parse per text); the answers here are cached
too: defaults and policy conditions repeat a lot across a spec and across the models of a history.
The checks of what a piece of SQL may be (one expression, one SELECT, a function body, a job's
command, a raw script, a type name) live here, each answering with a located error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..quoting import dollar_quote, quote_ident
from .nodes import QName, contains, names, qname, select_target, statement_kind, strip_locations
from .parse import EXPRESSION_PREFIX, ParseError, error_offset, parse, parse_expression, parse_type_name, scan


@dataclass(frozen=True, slots=True)
class SqlRefs:
    """Names a piece of SQL uses. ``columns`` are unqualified top-level column references."""

    relations: frozenset[QName] = frozenset()
    functions: frozenset[QName] = frozenset()
    types: frozenset[QName] = frozenset()
    columns: frozenset[str] = frozenset()
    qualified_columns: frozenset[tuple[str, str]] = frozenset()
    error: str | None = None
    error_offset: int | None = None


class _Collector:
    def __init__(self) -> None:
        self.relations: set[QName] = set()
        self.functions: set[QName] = set()
        self.types: set[QName] = set()
        self.columns: set[str] = set()
        self.qualified: set[tuple[str, str]] = set()
        self.ctes: set[str] = set()

    def walk(self, node: Any, top: bool) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item, top)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "RangeVar" or (key == "relation" and isinstance(value, dict) and "relname" in value):
                self.relations.add((value.get("schemaname"), value["relname"]))
            elif key == "FuncCall":
                fname = qname(names(value["funcname"]))
                self.functions.add(fname)
                args = value.get("args", [])
                if fname[1] in ("nextval", "currval", "setval") and args and "A_Const" in args[0]:
                    seq = args[0]["A_Const"].get("sval", {}).get("sval")
                    if seq:  # nextval('schema.seq') depends on the sequence
                        self.relations.add(qname(seq.split(".")))
            elif key in ("TypeName", "typeName") and isinstance(value, dict):
                parts = names(value.get("names", []))
                if parts and parts[0] != "pg_catalog":
                    self.types.add(qname(parts))
            elif key == "CommonTableExpr":
                self.ctes.add(value["ctename"])
            elif key == "ColumnRef" and top:
                fields = value.get("fields", [])
                parts = names(fields)
                if len(parts) == len(fields) == 1:
                    self.columns.add(parts[0])
                elif len(parts) == len(fields) == 2:
                    self.qualified.add((parts[0], parts[1]))
            if key in ("SubLink", "SelectStmt", "RangeSubselect"):
                self.walk(value, False)
            else:
                self.walk(value, top)

    def refs(self) -> SqlRefs:
        rels = frozenset(r for r in self.relations if not (r[0] is None and r[1] in self.ctes))
        return SqlRefs(
            rels, frozenset(self.functions), frozenset(self.types), frozenset(self.columns),
            frozenset(self.qualified),
        )


def _error(message: str, offset: int | None = None) -> SqlRefs:
    return SqlRefs(error=message, error_offset=offset)


def fragment_problem(text: str, *, comments: bool = True, semicolons: bool = False) -> SqlRefs | None:
    """Why ``text`` cannot be pasted into a larger statement as one self-contained piece, or None.

    The piece is written between other SQL (``CHECK (…)``, ``DEFAULT …``, ``AS … WITH DATA``), so
    its tokens must not reach outside it: parentheses balanced and never closing more than they
    opened, no ``;`` ending the statement (``semicolons`` allows trailing ones: a view query may end
    with one), and no ``--`` comment running to its end (it would swallow what follows on the line).
    """
    try:
        tokens = scan(text)
    except ParseError as exc:
        return _error(f"invalid SQL: {exc.args[0]}", error_offset(exc))
    depth = 0
    seen_end = len(tokens)
    if semicolons:
        while seen_end and tokens[seen_end - 1].name == "ASCII_59":
            seen_end -= 1
    for i, tok in enumerate(tokens):
        if tok.name == "ASCII_40":
            depth += 1
        elif tok.name == "ASCII_41":
            depth -= 1
            if depth < 0:
                return _error("invalid SQL: ')' closes a parenthesis that was not opened here", tok.start)
        elif tok.name == "ASCII_59" and i < seen_end:
            return _error("more than one statement: ';' ends the statement here", tok.start)
        elif tok.name in ("SQL_COMMENT", "C_COMMENT") and not comments:
            return _error("a comment is not allowed here", tok.start)
        elif tok.name == "SQL_COMMENT" and text[tok.end + 1:tok.end + 2] not in ("\n", "\r"):
            return _error("a '--' comment at the end would swallow the SQL written after it; use /* */",
                          tok.start)
    if depth:
        return _error("invalid SQL: unbalanced parentheses", len(text))
    return None


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?\Z")


def qualified_name_problem(text: str) -> str | None:
    """Why ``text`` is not a plain, possibly schema-qualified name (an operator class), or None."""
    return None if _PLAIN_NAME.match(text) else "must be a plain name such as jsonb_path_ops or extensions.gin_trgm_ops"


@lru_cache(maxsize=65536)
def expression_refs(expr: str) -> SqlRefs:
    """Refs of one scalar SQL expression (default, check, policy condition, index expression, …).

    Anything but exactly one expression (a second statement, a second target, a clause that
    reaches outside the parentheses it is written in) is an error.
    """
    try:
        tree = parse_expression(expr)
    except ParseError as exc:
        return _error(f"invalid SQL: {exc.args[0]}", max(0, error_offset(exc) - len(EXPRESSION_PREFIX)))
    problem = fragment_problem(expr)
    if problem:
        return _error(f"must be exactly one SQL expression: {problem.error}", problem.error_offset)
    target, why = select_target(tree)
    if why:
        return _error(f"must be exactly one SQL expression, {why}")
    c = _Collector()
    c.walk(target, True)
    return c.refs()


@lru_cache(maxsize=65536)
def default_text(expr: str) -> str:
    """``expr`` as written after ``DEFAULT`` in a column or domain definition: as it is when that
    narrower grammar (Postgres's ``b_expr``) reads it whole, else in parentheses. ``'' or true``,
    ``x is null`` or ``a like b`` do not parse there, and ``'a' collate "C"`` would set the
    column's collation instead; an expression (checked by :func:`expression_refs`) in parentheses
    is always one default."""
    try:
        tree = parse(f"CREATE TABLE t (c int DEFAULT {expr}\n)")
        column = tree["stmts"][0]["stmt"]["CreateStmt"]["tableElts"][0]["ColumnDef"]
    except (ParseError, KeyError, IndexError):
        return f"({expr})"
    whole = len(column.get("constraints", ())) == 1 and "collClause" not in column
    return expr if whole else f"({expr})"


#: Statement kinds a ``language sql`` function body may not contain (Postgres rejects them there).
_NOT_IN_SQL_FUNCTIONS = ("TransactionStmt", "VacuumStmt", "CreatedbStmt", "DropdbStmt", "AlterSystemStmt",
                         "CreateTableSpaceStmt", "DropTableSpaceStmt", "ReindexStmt", "CopyStmt")
_MODIFYING = ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt")


def _statements(sql: str) -> list[dict[str, Any]] | SqlRefs:
    """The parsed statements of ``sql``, or the located error when it does not parse."""
    try:
        tree = parse(sql)
    except ParseError as exc:
        return _error(f"invalid SQL: {exc.args[0]}", error_offset(exc))
    stmts: list[dict[str, Any]] = tree.get("stmts", [])
    return stmts


def _refs_of(stmts: list[dict[str, Any]]) -> SqlRefs:
    """What ``stmts`` name (relations, functions, types)."""
    c = _Collector()
    c.walk(stmts, False)
    return c.refs()


@lru_cache(maxsize=16384)
def query_refs(sql: str) -> SqlRefs:
    """Refs of a view or materialized view query: exactly one SELECT (VALUES, WITH … SELECT, set
    operations), reading only: no data-modifying CTE, no ``SELECT INTO``, no second statement."""
    problem = fragment_problem(sql, semicolons=True)
    stmts = _statements(sql)
    if isinstance(stmts, SqlRefs):
        return stmts
    kinds = [statement_kind(s) for s in stmts]
    if len(stmts) != 1 or kinds[0] != "SelectStmt":
        kind = kinds[0].removesuffix("Stmt").upper() if stmts else ""
        found = f"{len(stmts)} statements" if len(stmts) != 1 else f"a {kind} statement"
        return _error(f"must be exactly one SELECT statement, found {found}")
    select = stmts[0]["stmt"]["SelectStmt"]
    if contains(select, ("intoClause",)):
        return _error("must be exactly one SELECT statement, found SELECT INTO (it creates a table)")
    modifying = contains(select, _MODIFYING)
    if modifying:
        return _error(f"must be exactly one SELECT statement, found a data-modifying "
                      f"{modifying.removesuffix('Stmt').upper()} inside it")
    if problem:
        return _error(f"must be exactly one SELECT statement: {problem.error}", problem.error_offset)
    return _refs_of(stmts)


@lru_cache(maxsize=16384)
def statement_refs(sql: str) -> SqlRefs:
    """Refs of one or more SQL statements (SQL function bodies, policy-test setup): any statement
    but those Postgres refuses inside a function (transaction control, VACUUM, COPY, …)."""
    stmts = _statements(sql)
    if isinstance(stmts, SqlRefs):
        return stmts
    if not stmts:
        return _error("no SQL statement")
    for stmt in stmts:
        kind = statement_kind(stmt)
        if kind in _NOT_IN_SQL_FUNCTIONS:
            return _error(f"{kind.removesuffix('Stmt')} statements are not allowed in a function body",
                          stmt.get("stmt_location", 0))
    return _refs_of(stmts)


def command_refs(sql: str) -> SqlRefs:
    """Refs of exactly one top-level statement (a scheduled job's command): any statement but
    transaction control, VACUUM included, since the scheduler runs it on its own."""
    stmts = _statements(sql)
    if isinstance(stmts, SqlRefs):
        return stmts
    if len(stmts) != 1:
        return _error(f"must be exactly one statement, found {len(stmts)}")
    if statement_kind(stmts[0]) == "TransactionStmt":
        return _error("cannot be a transaction statement", stmts[0].get("stmt_location", 0))
    return _refs_of(stmts)


#: What a raw statement creates is not a dependency: (statement, key of the RangeVar it creates).
_CREATES = {"CreateStmt": ("relation",), "ViewStmt": ("view",), "CreateSeqStmt": ("sequence",),
            "CreateTableAsStmt": ("into", "rel")}


def script_refs(sql: str) -> SqlRefs:
    """Refs of one or more top-level statements run inside a migration's transaction (raw SQL).

    Refused: statements that cannot run in a transaction block (``VACUUM``, ``CREATE DATABASE`` …)
    and transaction control (``COMMIT`` would end the migration's transaction). Relations that the
    statements themselves create (``CREATE TABLE``/``VIEW``/``SEQUENCE``) are not refs.
    """
    stmts = _statements(sql)
    if isinstance(stmts, SqlRefs):
        return stmts
    if not stmts:
        return _error("no SQL statement")
    created: set[QName] = set()
    for stmt in stmts:
        kind = statement_kind(stmt)
        if kind in _NOT_IN_SQL_FUNCTIONS:
            return _error(f"{kind.removesuffix('Stmt')} statements cannot run inside a migration's transaction",
                          stmt.get("stmt_location", 0))
        if kind in _CREATES:
            node: Any = stmt["stmt"][kind]
            for key in _CREATES[kind]:
                node = node.get(key, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict) and "relname" in node:
                created.add((node.get("schemaname"), node["relname"]))
    refs = _refs_of(stmts)
    return SqlRefs(frozenset(r for r in refs.relations if r not in created), refs.functions, refs.types)


@lru_cache(maxsize=16384)
def type_refs(type_text: str) -> SqlRefs:
    """Validate a type name (exactly one type, no comments) and return the (user) types it mentions."""
    try:
        tree = parse_type_name(type_text)
    except ParseError as exc:
        return _error(f"invalid SQL: {exc.args[0]}")
    problem = fragment_problem(type_text, comments=False)
    if problem:
        return _error(f"must be exactly one type name: {problem.error}", problem.error_offset)
    target, why = select_target(tree)
    cast = (target or {}).get("TypeCast") if isinstance(target, dict) else None
    if why or not cast or not cast.get("arg", {}).get("A_Const", {}).get("isnull"):
        return _error("must be exactly one type name")
    c = _Collector()
    c.walk(target, True)
    return c.refs()


def plpgsql_wrapper(body: str, args: list[tuple[str, str | None, str]], returns: str) -> str:
    """A CREATE FUNCTION around a PL/pgSQL body: its parser only accepts whole statements.

    ``args`` are (mode, name, type); ``returns`` is the whole RETURNS clause target, e.g. ``TABLE (x int)``.
    """
    params = ", ".join(
        ("" if mode == "in" else mode.upper() + " ") + (f"{quote_ident(n)} {t}" if n else t) for mode, n, t in args
    )
    return f"CREATE FUNCTION f({params}) RETURNS {returns} LANGUAGE plpgsql AS {dollar_quote(body)}"


def plpgsql_refs(create_sql: str) -> SqlRefs:
    """Refs of the SQL inside a PL/pgSQL function, given its full CREATE FUNCTION statement."""
    try:
        tree = parse(create_sql, "plpgsql")
    except ParseError as exc:
        return _error(f"invalid PL/pgSQL: {exc.args[0]}")
    queries: list[str] = []

    def find(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "PLpgSQL_expr" and isinstance(value, dict) and "query" in value:
                    queries.append(value["query"])
                find(value)
        elif isinstance(node, list):
            for item in node:
                find(item)

    find(tree)
    merged = _Collector()
    for query in queries:
        text = query.split(":=", 1)[1] if ":=" in query and not query.lstrip().lower().startswith(
            ("select", "insert", "update", "delete", "with")
        ) else query
        for candidate in (text, f"SELECT {text}"):
            try:
                merged.walk(parse(candidate).get("stmts", []), False)
                break
            except ParseError:
                continue
    return merged.refs()


@dataclass(frozen=True, slots=True)
class ColumnUse:
    """Every column name a piece of SQL mentions, at any depth (the last part of each reference),
    and whether it selects ``*``: a conservative, name-level answer to "does it use column c?"."""

    names: frozenset[str] = frozenset()
    star: bool = False

    def touches(self, columns: set[str] | frozenset[str]) -> bool:
        """Whether any of ``columns`` may be used."""
        return bool(columns) and (self.star or not self.names.isdisjoint(columns))


def _column_use(tree: Any) -> ColumnUse:
    found: set[str] = set()
    star = False
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            ref = node.get("ColumnRef")
            if isinstance(ref, dict):
                fields = ref.get("fields", [])
                if fields and "A_Star" in fields[-1]:
                    star = True
                parts = names(fields)
                if parts:
                    found.add(parts[-1])
            todo.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return ColumnUse(frozenset(found), star)


@lru_cache(maxsize=16384)
def column_use(sql: str | None, *, statement: bool = False) -> ColumnUse:
    """The columns an expression (or, with ``statement``, a query or SQL body) mentions.

    Unparseable text is treated as using everything (``star``): callers use this to decide what
    must be re-created, and re-creating too much is safe where too little is not.
    """
    if not sql:
        return ColumnUse()
    try:
        tree = parse(sql) if statement else parse_expression(sql)
    except ParseError:
        return ColumnUse(star=True)
    return _column_use(tree.get("stmts", []))


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    """``node`` with every column reference's last name mapped through ``renames``; a select-list
    entry that was a bare renamed reference keeps its old output name (as Postgres keeps it)."""
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    if not isinstance(node, dict):
        return node
    res = node.get("ResTarget")
    if isinstance(res, dict) and "name" not in res and "ColumnRef" in res.get("val", {}):
        parts = names(res["val"]["ColumnRef"].get("fields", []))
        if parts and parts[-1] in renames:
            res = {**res, "name": parts[-1]}
            node = {**node, "ResTarget": res}
    ref = node.get("ColumnRef")
    if isinstance(ref, dict):
        fields = list(ref.get("fields", []))
        if fields and "String" in fields[-1] and fields[-1]["String"]["sval"] in renames:
            fields[-1] = {"String": {"sval": renames[fields[-1]["String"]["sval"]]}}
            return {**node, "ColumnRef": {**ref, "fields": fields}}
    return {k: _rename_refs(v, renames) for k, v in node.items()}


@lru_cache(maxsize=4096)
def _tree(sql: str, statement: bool) -> str | None:
    try:
        return json.dumps(strip_locations(parse(sql) if statement else parse_expression(sql)), sort_keys=True)
    except ParseError:
        return None


def same_after_renames(old: str | None, new: str | None, renames: tuple[tuple[str, str], ...], *,
                       statement: bool = False) -> bool:
    """Whether ``old`` with its column references renamed is the same SQL as ``new``.

    Postgres stores expressions and queries parsed, so it follows a column rename by itself: an
    object whose text changed only by the rename is unchanged in the database.
    """
    if old is None or new is None:
        return old == new
    a, b = _tree(old, statement), _tree(new, statement)
    if a is None or b is None:
        return False
    renamed = _name_targets(_rename_refs(json.loads(a), dict(renames)))
    return json.dumps(renamed, sort_keys=True) == json.dumps(_name_targets(json.loads(b)), sort_keys=True)


def _name_targets(node: Any) -> Any:
    """Select-list entries that are bare column references, named as Postgres names them."""
    if isinstance(node, list):
        return [_name_targets(v) for v in node]
    if not isinstance(node, dict):
        return node
    res = node.get("ResTarget")
    if isinstance(res, dict) and "name" not in res and "ColumnRef" in res.get("val", {}):
        parts = names(res["val"]["ColumnRef"].get("fields", []))
        if parts:
            node = {**node, "ResTarget": {**res, "name": parts[-1]}}
    return {k: _name_targets(v) for k, v in node.items()}
