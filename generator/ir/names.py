"""Names Postgres would choose, and the limits it puts on identifiers."""

from __future__ import annotations

from ..sqlan.types import type_ref

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
#: Families of built-in types (catalog names) between which Postgres has no equality operator.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "number": ("int2", "int4", "int8", "numeric", "float4", "float8", "oid"),
    "text": ("text", "varchar", "bpchar", "citext", "name"),
    "uuid": ("uuid",),
    "bool": ("bool",),
    "datetime": ("date", "timestamp", "timestamptz"),
    "time": ("time", "timetz"),
    "interval": ("interval",),
    "bytea": ("bytea",),
    "network": ("inet", "cidr"),
    "json": ("json", "jsonb"),
}
_FAMILY = {name: family for family, names in _FAMILIES.items() for name in names}


def _type_family(t: str) -> tuple[str | None, int]:
    """(family of a built-in type or None, array dimensions)."""
    ref = type_ref(t)
    if ref is None:
        return None, 0
    return (_FAMILY.get(ref.name) if ref.kind != "user" else None), ref.dims


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
