"""The one place SQL text is parsed: libpg_query (pglast) to JSON, cached by (text, mode).

The same texts come back many times in one run: a policy condition is read for its references
(build), its columns (plan), its shape (lint); a view query for its references, its select list
and its output columns; every model of the migration history is built again. Each distinct text
is parsed once per process. The trees are shared: callers read them and never change them (every
walk in :mod:`generator.sqlan` builds new nodes instead).

A text that does not parse raises :class:`ParseError` every time, with the same arguments
(message, 0-based offset) as pglast's own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Literal

from pglast import parser as pg

ParseError = pg.ParseError
Mode = Literal["sql", "plpgsql"]
Tree = Any  # pglast's JSON parse tree: dicts, lists, strings, numbers

#: The wrappers that make a fragment a statement. Every fragment of one kind is wrapped the same
#: way, so a text read for two purposes (references and shape, say) is parsed once.
EXPRESSION_PREFIX = "SELECT ("
TYPE_PREFIX = "SELECT (NULL::"


@lru_cache(maxsize=32768)
def _parsed(text: str, mode: Mode) -> tuple[Tree, tuple[Any, ...] | None]:
    try:
        raw = pg.parse_sql_json(text) if mode == "sql" else pg.parse_plpgsql_json(text)
    except pg.ParseError as exc:
        return None, tuple(exc.args)
    return json.loads(raw), None


def parse(text: str, mode: Mode = "sql") -> Tree:
    """The parse tree of ``text`` (``sql``: statements; ``plpgsql``: a CREATE FUNCTION's body).

    Raises :class:`ParseError` (message, offset) when it does not parse."""
    tree, error = _parsed(text, mode)
    if error is not None:
        raise ParseError(*error)
    return tree


def parse_expression(expr: str) -> Tree:
    """The tree of ``SELECT (<expr>\\n)``: one scalar expression written inside other SQL. The
    newline ends a trailing ``--`` comment before the closing parenthesis. Offsets in a
    :class:`ParseError` count from the start of the wrapper (``len(EXPRESSION_PREFIX)`` before ``expr``)."""
    return parse(f"{EXPRESSION_PREFIX}{expr}\n)")


def parse_type_name(text: str) -> Tree:
    """The tree of ``SELECT (NULL::<text>\\n)``: a type name read with Postgres's TypeName grammar."""
    return parse(f"{TYPE_PREFIX}{text}\n)")


def error_offset(exc: ParseError) -> int:
    """0-based character offset of a parse error (pglast gives it as ``args[1]``)."""
    return max(0, int(exc.args[1])) if len(exc.args) > 1 and exc.args[1] else 0


@lru_cache(maxsize=16384)
def scan(text: str) -> tuple[Any, ...]:
    """The tokens of ``text`` (pglast's scanner), cached like :func:`parse`; a tuple, so shared safely.

    Raises :class:`ParseError` when the scanner rejects it (an unterminated quote)."""
    return tuple(pg.scan(text))


def cache_info() -> dict[str, Any]:
    """Hits and misses of the parse cache (a miss is one real parse)."""
    return {"parse": _parsed.cache_info(), "scan": scan.cache_info()}


def clear_cache() -> None:
    """Forget every cached tree (tests that count parses start from here)."""
    _parsed.cache_clear()
    scan.cache_clear()
