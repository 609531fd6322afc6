"""A partition's bound read back from Postgres's own text of it (``pg_get_expr(relpartbound)``), for
``schemagen pull``; a partition key and a bound read back from the SQL the builder wrote for them
(``PARTITION BY …``, ``FOR VALUES …``), for a moved bound's check (:mod:`generator.ir.partitions`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from ..quoting import quote_ident, quote_literal
from .parse import deparse, parse, parse_nodes


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


# --- what the plan reads back from the SQL the builder wrote (a moved bound's check) -------------

#: A bound value as SQL: a literal (through :mod:`generator.quoting`), or MINVALUE / MAXVALUE.
Datum = str


def _datum(v: BoundValue) -> Datum:
    if v.kind in ("minvalue", "maxvalue"):
        return v.kind.upper()
    if v.kind == "null":
        return "NULL"
    assert v.kind == "literal", v
    return str(v.value) if isinstance(v.value, int) else quote_literal(v.value)


@cache
def partition_keys(partition_by: str) -> tuple[str, tuple[str, ...]]:
    """(strategy ``r``/``l``/``h``, each key as SQL: a quoted column or a parenthesised expression,
    as pglast prints it) of ``partition_by`` (the SQL after ``PARTITION BY``)."""
    stmt = parse_nodes(f"CREATE TABLE t (x int) PARTITION BY {partition_by}")[0]
    assert stmt.partspec is not None
    keys = tuple(quote_ident(e.name) if e.name else f"({deparse(e.expr)})" for e in stmt.partspec.partParams)
    return str(stmt.partspec.strategy)[0].lower(), keys


@cache
def bound_values(bound: str) -> tuple[str, tuple[tuple[Datum, ...], ...], tuple[int, int]]:
    """A bound as the builder wrote it (the SQL after ``FOR VALUES``, or ``DEFAULT``): (strategy,
    its value lists: (lower, upper) for a range, (in,) for a list; (modulus, remainder) for a hash);
    strategy ``d`` for DEFAULT."""
    b = partition_bound("DEFAULT" if bound == "DEFAULT" else f"FOR VALUES {bound}")
    if b.default:
        return "d", (), (0, 0)
    if b.modulus is not None:
        return "h", (), (b.modulus, b.remainder or 0)
    if b.values:
        return "l", (tuple(map(_datum, b.values)),), (0, 0)
    return "r", (tuple(map(_datum, b.lower)), tuple(map(_datum, b.upper))), (0, 0)
