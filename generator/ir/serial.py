"""Serial columns and sequence bounds: the facts Postgres applies when it expands ``serial`` and
when a sequence leaves ``MINVALUE``/``MAXVALUE``/``START`` out.

A ``serial`` column is shorthand: Postgres creates a sequence ``<table>_<column>_seq`` of the
matching integer type, makes the column that type, ``NOT NULL`` and ``DEFAULT nextval(…)``, and
marks the sequence ``OWNED BY`` the column. schemagen writes that expansion out (render) so the
sequence is revoked and granted like every other object.
"""

from __future__ import annotations

from ..sqlan.types import column_type as column_type  # the serial type rules live with TypeRef
from ..sqlan.types import serial_base as serial_base

#: the range of each sequence type
LIMITS = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
          "bigint": (-9223372036854775808, 9223372036854775807)}


def sequence_name(table: str, column: str) -> str:
    """The name Postgres gives the sequence of an identity or serial column: ``table_column_seq``
    (unquoted; every place that names such a sequence asks here)."""
    return f"{table}_{column}_seq"


def bounds(type_: str, increment: int, minvalue: int | None, maxvalue: int | None) -> tuple[int, int]:
    """The MINVALUE and MAXVALUE in effect: the given ones, or Postgres's defaults for the type and
    the direction (``NO MINVALUE``: 1 ascending, the type's lowest descending; ``NO MAXVALUE``: the
    type's highest ascending, -1 descending)."""
    low, high = LIMITS[type_]
    lo = minvalue if minvalue is not None else (1 if increment > 0 else low)
    hi = maxvalue if maxvalue is not None else (high if increment > 0 else -1)
    return lo, hi


def effective_start(type_: str, increment: int, minvalue: int | None, maxvalue: int | None,
                    start: int | None) -> int:
    """START WITH in effect: the given one, else MINVALUE ascending and MAXVALUE descending."""
    if start is not None:
        return start
    lo, hi = bounds(type_, increment, minvalue, maxvalue)
    return lo if increment > 0 else hi


def sequence_problems(type_: str, increment: int, minvalue: int | None, maxvalue: int | None,
                      start: int | None) -> list[tuple[str, str]]:
    """What Postgres would refuse in a sequence's options, as (spec field, message)."""
    if increment == 0:
        return [("increment", "INCREMENT must not be zero")]
    low, high = LIMITS[type_]
    out: list[tuple[str, str]] = []
    for name, value in (("minvalue", minvalue), ("maxvalue", maxvalue), ("start", start)):
        if value is not None and not low <= value <= high:
            out.append((name, f"{name} {value} is out of range for a sequence of type {type_}"))
    if out:
        return out
    lo, hi = bounds(type_, increment, minvalue, maxvalue)
    if lo >= hi:
        return [("minvalue", f"MINVALUE ({lo}) must be less than MAXVALUE ({hi})")]
    first = effective_start(type_, increment, minvalue, maxvalue, start)
    if not lo <= first <= hi:
        return [("start", f"START value ({first}) must lie between MINVALUE ({lo}) and MAXVALUE ({hi})")]
    return []


#: built-in fixed-length types: their values are never TOASTed (storage plain, no compression)
FIXED_LENGTH = frozenset({
    "smallint", "int2", "integer", "int", "int4", "bigint", "int8", "boolean", "bool", "real", "float4",
    "double precision", "float8", "date", "timestamp", "timestamptz", "timestamp with time zone",
    "timestamp without time zone", "time", "time without time zone", "uuid", "money", "oid",
    "smallserial", "serial2", "serial", "serial4", "bigserial", "serial8",
})


def storage_problem(type_: str, storage: str | None, compression: str | None) -> str | None:
    """Why Postgres would refuse ``storage``/``compression`` on a column of a built-in fixed-length
    type (other types are left to Postgres)."""
    t = " ".join(type_.lower().split())
    if t not in FIXED_LENGTH:
        return None
    if storage not in (None, "plain"):
        return f"a {type_} column can only have storage plain"
    if compression is not None:
        return f"a {type_} column is fixed-length: it takes no compression"
    return None
