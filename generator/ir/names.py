"""Names Postgres would choose, and the limits it puts on identifiers."""

from __future__ import annotations

import re

NAMEDATALEN = 64  # identifiers longer than NAMEDATALEN - 1 bytes are truncated by Postgres


def identifier_problem(name: str) -> str | None:
    """Why Postgres would reject or silently change ``name``, or None when it is fine."""
    if not name:
        return "empty identifier"
    if "\x00" in name:
        return "identifier contains a NUL character"
    size = len(name.encode("utf-8"))
    if size > NAMEDATALEN - 1:
        return f"identifier {name!r} is {size} bytes; Postgres truncates names to {NAMEDATALEN - 1}"
    return None


def constraint_name(table: str, columns: list[str] | tuple[str, ...], suffix: str) -> str:
    """Postgres's default naming: ``table_col1_col2_suffix`` (``table_suffix`` without columns)."""
    parts = [table, *columns, suffix] if columns else [table, suffix]
    return "_".join(parts)


def index_name(table: str, parts: list[str]) -> str:
    """Default index name, as ``CREATE INDEX`` without a name would choose it."""
    return "_".join([table, *(parts or ["expr"]), "idx"])


#: Type families whose members Postgres compares with each other (cross-type operators or implicit
#: casts), so a foreign key may join them. Names are as written, lower case, without modifiers.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "number": ("smallint", "int2", "integer", "int", "int4", "bigint", "int8", "smallserial", "serial2", "serial",
               "serial4", "bigserial", "serial8", "numeric", "decimal", "real", "float4", "double precision",
               "float8", "float", "oid"),
    "text": ("text", "varchar", "character varying", "char", "character", "bpchar", "citext", "name"),
    "uuid": ("uuid",),
    "bool": ("boolean", "bool"),
    "datetime": ("date", "timestamp", "timestamp without time zone", "timestamptz", "timestamp with time zone"),
    "time": ("time", "time without time zone", "timetz", "time with time zone"),
    "interval": ("interval",),
    "bytea": ("bytea",),
    "network": ("inet", "cidr"),
    "json": ("json", "jsonb"),
}
_FAMILY = {name: family for family, names in _FAMILIES.items() for name in names}


def _type_family(t: str) -> tuple[str | None, int]:
    """(family of a built-in type or None, array dimensions)."""
    text = " ".join(t.lower().replace("pg_catalog.", "").split())
    dims = 0
    while text.endswith("[]"):
        text, dims = text[:-2].rstrip(), dims + 1
    base = " ".join(re.sub(r"\([^)]*\)", " ", text).split())  # "timestamp(3) with time zone", "numeric(10, 2)"
    return _FAMILY.get(base), dims


def fk_types_compatible(column_type: str, referenced_type: str) -> bool:
    """Whether Postgres accepts a foreign key from ``column_type`` to ``referenced_type``.

    Conservative: only pairs of built-in types from different families (uuid → bigint, text →
    integer) or of different array dimensions are refused; enums, domains and other user types
    are left to the database."""
    a, da = _type_family(column_type)
    b, db = _type_family(referenced_type)
    if da != db:
        return False
    if a is None or b is None:
        return True
    return a == b
