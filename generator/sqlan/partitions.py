"""A partition key and a partition bound read back from the SQL the builder wrote for them
(``PARTITION BY …`` and ``FOR VALUES …``): the keys as SQL, the bound's values as literals again
(through :mod:`generator.quoting`), for :mod:`generator.ir.partitions`."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..quoting import quote_ident, quote_literal
from .parse import deparse, parse_nodes

#: A range bound's value, or its MINVALUE / MAXVALUE.
Datum = str


@cache
def partition_keys(partition_by: str) -> tuple[str, tuple[str, ...]]:
    """(strategy ``r``/``l``/``h``, each key as SQL: a quoted column or a parenthesised expression)."""
    stmt = parse_nodes(f"CREATE TABLE t (x int) PARTITION BY {partition_by}")[0]
    assert stmt.partspec is not None
    keys = tuple(quote_ident(e.name) if e.name else f"({deparse(e.expr)})" for e in stmt.partspec.partParams)
    return str(stmt.partspec.strategy)[0].lower(), keys


def _value(node: Any) -> Datum:
    """One bound value as SQL: a literal (through the quoting path), or MINVALUE / MAXVALUE."""
    kind = type(node).__name__
    if kind == "ColumnRef":  # the parser reads MINVALUE and MAXVALUE as column names
        word = str(node.fields[0].sval).upper()
        assert word in ("MINVALUE", "MAXVALUE"), word
        return word
    assert kind == "A_Const", node
    v = node.val
    value = {"String": lambda: quote_literal(v.sval), "Integer": lambda: str(v.ival), "Float": lambda: str(v.fval),
             "Boolean": lambda: "true" if v.boolval else "false"}[type(v).__name__]
    return value()


@cache
def bound_values(bound: str) -> tuple[str, tuple[tuple[Datum, ...], ...], tuple[int, int]]:
    """The parsed bound: (strategy, its value lists: (lower, upper) for a range, (in,) for a list,
    (modulus, remainder) for a hash); strategy ``d`` for DEFAULT."""
    if bound == "DEFAULT":
        return "d", (), (0, 0)
    b = parse_nodes(f"CREATE TABLE p PARTITION OF t FOR VALUES {bound}")[0].partbound
    assert b is not None
    if b.strategy == "r":
        return "r", (tuple(map(_value, b.lowerdatums)), tuple(map(_value, b.upperdatums))), (0, 0)
    if b.strategy == "l":
        return "l", (tuple(map(_value, b.listdatums)),), (0, 0)
    return "h", (), (b.modulus, b.remainder)
