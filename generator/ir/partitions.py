"""The partition tree of a table (partitions, sub-partitions, their parents) and a partition's
bound as a CHECK predicate over its rows.

Postgres scans a table it attaches as a partition to prove every row fits the bound, under its
lock, unless a valid CHECK constraint of the table already implies the bound. A changed bound is
a DETACH and an ATTACH (:class:`generator.plan.ops.MovePartitionBounds`): the new bound's check is
added ``NOT VALID`` and validated first, so the ATTACH need not scan. The predicate is read back
from the SQL the builder wrote (``TableIR.partition_by`` and ``PartitionIR.bound``, parsed by
:mod:`generator.sqlan.partitions`), and its values are put in again through :mod:`generator.quoting`.
"""

from __future__ import annotations

from ..quoting import quote_literal, quote_qualified
from ..sqlan.partitions import Datum, bound_values, partition_keys
from .model import PartitionIR, TableIR


def _row(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"ROW({', '.join(items)})"


def _side(keys: tuple[str, ...], values: tuple[Datum, ...], op: str, at_min: str, at_max: str) -> str | None:
    """``keys op values`` compared as Postgres compares range bounds (row by row, left to right); a
    MINVALUE or MAXVALUE ends the comparison: the prefix before it is compared with ``at_min`` or
    ``at_max`` instead (None: no condition; ``false``: no row)."""
    for i, v in enumerate(values):
        if v in ("MINVALUE", "MAXVALUE"):
            cmp = at_min if v == "MINVALUE" else at_max
            if i == 0:
                return None if cmp in (">=", "<=") else "false"
            return f"{_row(list(keys[:i]))} {cmp} {_row(list(values[:i]))}"
    return f"{_row(list(keys))} {op} {_row(list(values))}"


def tree(table: TableIR) -> list[tuple[str | None, PartitionIR]]:
    """Every partition of ``table``, sub-partitions after the partition that holds them (creation
    order), each with the name of its parent partition (None: the table itself)."""
    out: list[tuple[str | None, PartitionIR]] = []

    def walk(parent: str | None, parts: tuple[PartitionIR, ...]) -> None:
        for p in parts:
            out.append((parent, p))
            walk(p.name, p.partitions)

    walk(None, table.partitions)
    return out


def outline(table: TableIR) -> list[tuple[int, PartitionIR]]:
    """Every partition of ``table`` in creation order with its depth (0: a partition of the table,
    1: of one of its partitions, ...), for an indented list (names are unique in a tree)."""
    depth: dict[str, int] = {}
    for parent, p in tree(table):
        depth[p.name] = 0 if parent is None else depth[parent] + 1
    return [(depth[p.name], p) for _parent, p in tree(table)]


def parent_name(table: TableIR, parent: str | None) -> str:
    """The quoted qualified name of a partition's parent: the table, or partition ``parent``."""
    return quote_qualified(table.id.schema, parent or table.id.name)


def partition_by_of(table: TableIR, parent: str | None) -> str:
    """The ``PARTITION BY`` of the table (``parent`` None) or of its partition ``parent``."""
    by = table.partition_by if parent is None else next(p for q, p in tree(table) if p.name == parent).partition_by
    assert by is not None, parent
    return by


def kept_partitions(old: TableIR, new: TableIR) -> list[PartitionIR]:
    """The partitions of ``new`` that ``old`` has too, under the same parent (they exist while an
    alter of the table runs; the others are created with what the table says already)."""
    before = {(q, p.name) for q, p in tree(old)}
    return [p for q, p in tree(new) if (q, p.name) in before]


def bound_check(table: TableIR, p: PartitionIR, parent: str | None = None) -> str | None:
    """The CHECK predicate that holds exactly for the rows partition ``p`` of ``table`` (or of its
    partition ``parent``) takes: what Postgres's partition constraint says, or None for a default
    partition (its bound is "no other partition's", which a check cannot name)."""
    _strategy, keys = partition_keys(partition_by_of(table, parent))
    form, values, (modulus, remainder) = bound_values(p.bound)
    if form == "d":
        return None
    if form == "h":
        rel = quote_literal(parent_name(table, parent))
        return f"satisfies_hash_partition({rel}::regclass::oid, {modulus}, {remainder}, {', '.join(keys)})"
    not_null = [f"{k} IS NOT NULL" for k in keys]
    if form == "l":
        return " AND ".join(not_null + [f"{keys[0]} IN ({', '.join(values[0])})"])
    sides = [_side(keys, values[0], ">=", ">=", ">"), _side(keys, values[1], "<", "<", "<=")]
    return " AND ".join(not_null + [s for s in sides if s is not None])
