"""Quoting: the one place that turns names and values into SQL text (habit 6).

Identifiers follow Postgres's own ``quote_ident``: left bare only when they are lower-case simple
names that are not keywords (unreserved keywords excepted); embedded double quotes are doubled.
Literals are single-quoted with embedded quotes doubled (standard_conforming_strings is on since
Postgres 9.1). Bodies are dollar-quoted with a tag that cannot occur inside them.
"""

from __future__ import annotations

import re

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

_SIMPLE = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_NEEDS_QUOTES = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS


def quote_ident(name: str) -> str:
    """Quote ``name`` as a Postgres identifier when (and only when) it needs it."""
    if _SIMPLE.match(name) and name not in _NEEDS_QUOTES:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_qualified(schema: str | None, name: str) -> str:
    """``schema.name`` with each part quoted; no schema gives the bare quoted name."""
    return f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)


def quote_literal(value: object) -> str:
    """A SQL literal for ``value``: NULL, true/false, numbers, or a quoted string."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if "\x00" in text:
        raise ValueError("a SQL literal cannot contain NUL")
    return "'" + text.replace("'", "''") + "'"


def dollar_quote(body: str, tag: str = "") -> str:
    """Wrap ``body`` in dollar quotes whose tag does not occur in it."""
    n = 0
    candidate = tag
    while f"${candidate}$" in body:
        n += 1
        candidate = f"{tag or 'q'}{n}"
    return f"${candidate}$\n{body}\n${candidate}$"


def sql_comment(text: str) -> str:
    """``text`` made safe for one ``--`` comment line: line breaks and other control characters
    shown escaped (a newline would end the comment and run the rest as SQL), ``*/`` broken up."""
    if text.isprintable() and "*/" not in text:
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text).replace("*/", "* /")
