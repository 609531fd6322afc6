"""Names Postgres would choose, and the limits it puts on identifiers."""

from __future__ import annotations

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
