"""Jinja filters for the Markdown documentation (registered in ``env.py`` with all the others).

They only escape and lay out: GitHub heading anchors, table cells, inline code, Mermaid names,
and the short form of an index definition.
"""

from __future__ import annotations

import re

from ..ir.ids import ObjectId
from ..ir.model import IndexIR
from ..kinds import kind_def
from ..quoting import quote_ident

_NOT_ANCHOR = re.compile(r"[^\w\- ]", re.UNICODE)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower-case, punctuation dropped, spaces to hyphens."""
    return _NOT_ANCHOR.sub("", heading.strip().lower()).replace(" ", "-")


def oneline(text: str | None) -> str:
    """Text with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join((text or "").split())


def cell(text: object) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return oneline(str(text)).replace("|", "\\|")


def code(text: object) -> str:
    """Inline code on one line; a backtick inside gets a longer fence (CommonMark)."""
    body = oneline(str(text))
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def cell_code(text: object) -> str:
    """Inline code inside a table cell (GitHub needs the pipes escaped even there)."""
    return code(text).replace("|", "\\|")


def mermaid_name(name: str) -> str:
    """An entity or attribute name Mermaid's ER grammar accepts (letters, digits, ``_``, ``-``)."""
    out = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return out if out[:1].isalpha() or out[:1] == "_" else f"_{out}"


def mermaid_type(sql_type: str) -> str:
    """A column type as a Mermaid attribute type: modifiers dropped, ``[]`` spelled ``_array``."""
    base = re.sub(r"\(.*?\)", "", sql_type).strip().lower()
    base = base.replace("[]", "_array")
    return mermaid_name("_".join(base.split()))


def mermaid_label(text: str) -> str:
    """A relationship label: quoted, without characters that would end it."""
    return '"' + oneline(text).replace('"', "'") + '"'


def index_definition(index: IndexIR) -> str:
    """``UNIQUE USING brin (a, b DESC) INCLUDE (c) WHERE …``: an index without its name and table."""
    parts = []
    for e in index.elements:
        text = quote_ident(e.column) if e.column is not None else f"({e.expression})"
        for extra in (e.opclass, e.order and e.order.upper(), e.nulls and f"NULLS {e.nulls.upper()}"):
            if extra:
                text += f" {extra}"
        parts.append(text)
    out = "UNIQUE " if index.unique else ""
    out += f"USING {index.method} " if index.method != "btree" else ""
    out += f"({', '.join(parts)})"
    if index.include:
        out += f" INCLUDE ({', '.join(quote_ident(c) for c in index.include)})"
    if index.nulls_not_distinct:
        out += " NULLS NOT DISTINCT"
    if index.where:
        out += f" WHERE {oneline(index.where)}"
    return out


def signature(oid: ObjectId) -> str:
    """``schema.name`` as the docs name an object; with its argument types when they are part of its
    identity (functions: ``public.f(uuid, text)``, ``public.g()``)."""
    if kind_def(oid.kind).namespace == "function":
        return f"{oid.qualified}({', '.join(oid.args)})"
    return oid.qualified


FILTERS = {
    "anchor": anchor, "signature": signature, "oneline": oneline, "cell": cell, "code": code, "cell_code": cell_code,
    "mermaid_name": mermaid_name, "mermaid_type": mermaid_type, "mermaid_label": mermaid_label,
    "index_definition": index_definition,
}
