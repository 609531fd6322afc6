"""SQL text of an exclusion constraint (inside CREATE TABLE and in ALTER TABLE … ADD CONSTRAINT)."""

from __future__ import annotations

from ..ir.model import ExclusionConstraint, ExclusionElement
from ..quoting import quote_ident, quote_operator, quote_qualified


def opclass(name: str) -> str:
    """An operator class name as SQL: ``ext.gist_int8_ops`` with each part quoted when it must be."""
    schema, _, rel = name.rpartition(".")
    return quote_qualified(schema or None, rel)


def _element(e: ExclusionElement) -> str:
    target = quote_ident(e.column) if e.column is not None else f"({e.expression})"
    oc = f" {opclass(e.opclass)}" if e.opclass else ""
    return f"{target}{oc} WITH {quote_operator(e.operator)}"


def exclusion_def(k: ExclusionConstraint) -> str:
    """``EXCLUDE USING gist (room_id WITH =, period WITH &&) [INCLUDE (…)] [WHERE (…)] [DEFERRABLE …]``."""
    sql = f"EXCLUDE USING {k.method} ({', '.join(_element(e) for e in k.elements)})"
    if k.include:
        sql += f" INCLUDE ({', '.join(map(quote_ident, k.include))})"
    if k.where:
        sql += f" WHERE ({k.where})"
    if k.deferrable:
        sql += f" DEFERRABLE INITIALLY {k.initially.upper()}"
    return sql
