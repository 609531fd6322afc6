"""A partition's bound read back from Postgres's own text of it (``pg_get_expr(relpartbound)``), for
``schemagen pull``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .parse import parse


@dataclass(frozen=True, slots=True)
class BoundValue:
    """One value of a bound: a literal (a string, or an integer Postgres printed bare), ``NULL``, or
    ``MINVALUE``/``MAXVALUE`` (range bounds); ``other`` for anything else."""

    kind: Literal["literal", "null", "minvalue", "maxvalue", "other"]
    value: str | int | None = None


@dataclass(frozen=True, slots=True)
class PartitionBound:
    """``DEFAULT``, ``FOR VALUES FROM (…) TO (…)``, ``IN (…)`` or ``WITH (MODULUS m, REMAINDER r)``."""

    default: bool = False
    lower: tuple[BoundValue, ...] = ()
    upper: tuple[BoundValue, ...] = ()
    values: tuple[BoundValue, ...] = ()
    modulus: int | None = None
    remainder: int | None = None


def _value(node: dict[str, Any]) -> BoundValue:
    if "A_Const" in node:
        c = node["A_Const"]
        if c.get("isnull"):
            return BoundValue("null")
        if "ival" in c:
            return BoundValue("literal", int(c["ival"].get("ival", 0)))
        if "fval" in c:
            return BoundValue("literal", str(c["fval"]["fval"]))
        if "boolval" in c:
            return BoundValue("literal", "true" if c["boolval"].get("boolval") else "false")
        if "sval" in c:
            return BoundValue("literal", str(c["sval"].get("sval", "")))
    if "ColumnRef" in node:
        fields = node["ColumnRef"].get("fields", [])
        word = fields[0].get("String", {}).get("sval") if len(fields) == 1 else None
        if word in ("minvalue", "maxvalue"):
            return BoundValue(word)
    return BoundValue("other")


def partition_bound(text: str) -> PartitionBound:
    """The parts of ``text`` (``DEFAULT`` or ``FOR VALUES …``, as Postgres prints a partition's bound).

    Raises :class:`generator.sqlan.parse.ParseError` when it is not a partition bound."""
    stmt = parse(f"CREATE TABLE x PARTITION OF y {text}")["stmts"][0]["stmt"]["CreateStmt"]
    b = stmt["partbound"]
    if b.get("is_default"):
        return PartitionBound(default=True)
    if b.get("strategy") == "h":
        return PartitionBound(modulus=int(b.get("modulus", 0)), remainder=int(b.get("remainder", 0)))
    return PartitionBound(lower=tuple(_value(v) for v in b.get("lowerdatums", [])),
                          upper=tuple(_value(v) for v in b.get("upperdatums", [])),
                          values=tuple(_value(v) for v in b.get("listdatums", [])))
