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
    """Quote ``name`` as a Postgres identifier when (and only when) it needs it.

    Remembered per name (~200,000 calls per 1,000 tables, on a few thousand names)."""
    quoted = _QUOTED.get(name)
    if quoted is None:
        if len(_QUOTED) >= 1 << 16:  # bounded: a long-lived process sees many specs
            _QUOTED.clear()
        quoted = _QUOTED[name] = name if _SIMPLE.match(name) and name not in _NEEDS_QUOTES else \
            '"' + name.replace('"', '""') + '"'
    return quoted


_QUOTED: dict[str, str] = {}


def quote_qualified(schema: str | None, name: str) -> str:
    """``schema.name`` with each part quoted; no schema gives the bare quoted name."""
    return f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)


_OPERATOR = re.compile(r"[-+*/<>=~!@#%^&|`?]{1,63}\Z")


def quote_operator(op: str) -> str:
    """An operator name (``=``, ``&&``) as SQL: operator characters only, else ValueError."""
    if not _OPERATOR.match(op) or "--" in op or "/*" in op:
        raise ValueError(f"not an operator: {op!r}")
    return op


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


def dollar_quote(body: str, tag: str = "", *, newlines: bool = True) -> str:
    """Wrap ``body`` in dollar quotes whose tag does not occur in it (on lines of their own unless
    ``newlines`` is false: then the quoted text is exactly ``body``)."""
    n = 0
    candidate = tag
    # the closing tag must first occur where it is written: without newlines a body ending in a
    # prefix of it (``x$`` before ``$$``, ``x$q`` before ``$q$``) would close the quote early
    while f"${candidate}$" in (body if newlines else body + f"${candidate}"):
        n += 1
        candidate = f"{tag or 'q'}{n}"
    if not newlines:
        return f"${candidate}${body}${candidate}$"
    return f"${candidate}$\n{body}\n${candidate}$"


def _escape_char(c: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or c.encode("unicode_escape").decode("ascii")


def comment_text(text: object, *, block: bool = False) -> str:
    """``text`` made safe inside a comment: the one path for anything written into one.

    A ``--`` comment ends at a line break, so line breaks (``\\n``, ``\\r``) and every other
    character that is not printable (C0 and C1 controls, DEL, NUL, Unicode separators and format
    characters such as bidirectional overrides) are written as escapes (``\\n``, ``\\x1b``,
    ``\\u202e``): nothing in the text can end the comment or hide what follows it. ``block`` is for
    ``/* … */`` comments (TypeScript doc comments): there line breaks are kept. In both, ``*/`` and
    ``/*`` are broken up (Postgres nests block comments).
    """
    s = str(text)
    if not s.isprintable():
        s = "".join(c if c.isprintable() or (block and c == "\n") else _escape_char(c) for c in s)
    return s.replace("*/", "*\\/").replace("/*", "/\\*")
