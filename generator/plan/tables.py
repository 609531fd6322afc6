"""A changed table becomes ALTER TABLE ops, part by part: a table is never dropped for a change.

Ops are split by plan phase: dropped columns and constraints go with the drops (before anything
that replaced them is created), renames with the renames, everything else with the builds.
The diff also reports, column by column, what the planner needs to find the objects to replace
(:mod:`.usage`): retyped columns (Postgres refuses to keep views, policies and triggers that name
them), generated columns dropped and added back around a retype, renamed, dropped and added
columns (a changed object that names one is replaced: altered in place, it would fail or its
rollback would run its old text against the new names). Column privileges are revoked before
the columns they name are dropped or renamed and granted after (``RevokePrivileges`` and
``GrantPrivileges``, the halves of an alter); a changed check is replaced gap-free
(``ReplaceCheck``); checks over a retyped column are dropped
before it and added after it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..errors import RefusedChange
from ..ir.model import CheckConstraint, Column, ExclusionConstraint, KeyConstraint, PartitionIR, TableIR
from ..ir.names import constraint_name
from ..ir.serial import column_type
from ..ir.sql import column_use
from .ops import (
    AddColumn,
    AddConstraint,
    AddExclusion,
    AddPartition,
    AlterColumn,
    AlterObject,
    BackfillColumn,
    CommentConstraint,
    DropColumn,
    DropConstraint,
    DropExclusion,
    DropPartition,
    GrantPrivileges,
    MovePartitionBounds,
    Op,
    RenameColumn,
    RenameConstraint,
    ReplaceCheck,
    RevokePrivileges,
    TableConstraint,
    TableConstraintType,
)


@dataclass(slots=True)
class TableDiff:
    drop: list[Op] = field(default_factory=list)
    rename: list[Op] = field(default_factory=list)
    build: list[Op] = field(default_factory=list)
    structural: bool = False
    renamed: bool = False  # a column was renamed: what uses the table and changed is replaced
    #: old names of the columns whose type changes (Postgres refuses to keep views, policies and
    #: triggers that name them) and of the generated columns dropped and added again
    retyped: set[str] = field(default_factory=set)
    readded: set[str] = field(default_factory=set)
    renames: dict[str, str] = field(default_factory=dict)  # old column name → new
    dropped: set[str] = field(default_factory=set)  # what named them must go first
    added: set[str] = field(default_factory=set)  # (new names) the mirror image of dropped

    def __bool__(self) -> bool:
        return bool(self.drop or self.rename or self.build)


Constraint = TableConstraint


def _keys(t: TableIR) -> list[tuple[TableConstraintType, Constraint]]:
    out: list[tuple[TableConstraintType, Constraint]] = []
    if t.primary_key:
        out.append(("primary key", t.primary_key))
    out += [("unique", u) for u in t.uniques]
    out += [("check", c) for c in t.checks]
    out += [("exclude", x) for x in t.excludes]  # a change replaces it: drop, then add (one transaction)
    return out


def _columns(before: TableIR, after: TableIR, original: TableIR, d: TableDiff, online: bool) -> dict[str, str]:
    """Column ops; returns the renames (old name → new name)."""
    old = {c.name: c for c in before.columns}
    new_names = {c.name for c in after.columns}
    renamed: dict[str, str] = {}
    pairs: list[tuple[Column, Column]] = []
    for c in after.columns:
        src = c.name if c.name in old else getattr(c, "renamed_from", None)
        if src in old and (src == c.name or src not in new_names) and src not in renamed:
            if src != c.name:
                renamed[src] = c.name
            pairs.append((old[src], c))
    kept = {o.name for o, _ in pairs}
    for c in reversed(before.columns):  # the reverse of adding them: the rollback is the reverse plan
        if c.name not in kept:
            d.drop.append(DropColumn(original, c))  # what used it is gone from the spec too
            d.dropped.add(c.name)
    retyped_new = {n.name for o, n in pairs if not o.generated and _type(o) != _type(n)}
    readds: list[Op] = []
    for o, n in pairs:
        if o.name != n.name:
            d.rename.append(RenameColumn(after, dataclasses.replace(o, name=n.name), o))
            d.renamed = True
            d.renames[o.name] = n.name
        first = o
        o = dataclasses.replace(o, name=n.name)
        if o.generated is not None and o == n and column_use(n.generated).touches(retyped_new):
            # Postgres cannot retype a column a generated column reads: drop it, add it back after
            d.drop.append(DropColumn(original, first, readd=True))
            readds.append(AddColumn(after, n, readd=True))
            d.readded.add(first.name)
            d.structural = True
            continue
        if o == n:
            continue
        if o.generated != n.generated:  # no in-place change of a generation expression before PG 17
            d.drop.append(DropColumn(original, first))
            d.build.append(AddColumn(after, n))
            d.readded.add(first.name)
            d.structural = True
            continue
        d.build.append(AlterColumn(after, n, o))
        if _type(o) != _type(n) or o.collation != n.collation:
            d.structural = True
            d.retyped.add(first.name)
    d.build.extend(readds)
    for c in after.columns:
        if c.name not in {n.name for _, n in pairs}:
            if c.backfill is not None:  # existing rows get a value: added nullable, filled, then NOT NULL
                # not `_not_null`: the name Postgres 18 gives the NOT NULL constraint SET NOT NULL makes
                check = constraint_name(after.id.name, [c.name], "filled")
                d.build.append(BackfillColumn(after, c, check, online))
            else:
                d.build.append(AddColumn(after, c))
            d.added.add(c.name)
    return renamed


def _type(c: Column) -> str:
    return " ".join(column_type(c.type).lower().split())  # serial is its integer type


def _constraint_cols(k: Constraint, renamed: dict[str, str]) -> Constraint:
    if isinstance(k, KeyConstraint) and renamed:
        return dataclasses.replace(k, columns=tuple(renamed.get(c, c) for c in k.columns))
    if isinstance(k, ExclusionConstraint) and renamed:  # Postgres renames the columns it names
        return dataclasses.replace(k, include=tuple(renamed.get(c, c) for c in k.include), elements=tuple(
            dataclasses.replace(e, column=renamed.get(e.column, e.column)) if e.column else e for e in k.elements))
    return k


def bare(k: Constraint) -> Constraint:
    """``k`` without its comment: what a change must drop and add again (a comment is set in place)."""
    return dataclasses.replace(k, comment=None)


def _comment(d: TableDiff, table: TableIR, k: Constraint, old_comment: str | None, kind: TableConstraintType) -> None:
    """A ``COMMENT ON CONSTRAINT`` when only ``k``'s comment changed (``k`` under its current name)."""
    if k.comment != old_comment:
        d.build.append(CommentConstraint(table, k, dataclasses.replace(k, comment=old_comment), kind))


def _add(table: TableIR, k: Constraint, kind: TableConstraintType, online: bool) -> Op:
    """The op adding constraint ``k`` of type ``kind`` (an exclusion constraint has ops of its own)."""
    if isinstance(k, ExclusionConstraint):
        return AddExclusion(table, k, online)
    assert kind != "exclude"
    return AddConstraint(table, k, kind, online)


def _drop(table: TableIR, k: Constraint, kind: TableConstraintType, online: bool) -> Op:
    """The op dropping constraint ``k`` of type ``kind``."""
    if isinstance(k, ExclusionConstraint):
        return DropExclusion(table, k, online)
    assert kind != "exclude"
    return DropConstraint(table, k, kind, online)


def table_diff(before: TableIR, after: TableIR, *, original: TableIR | None = None,
               online: bool = False, referenced_by: tuple[str, ...] = ()) -> TableDiff:
    """The ops that change table ``before`` into ``after`` (same identity, already renamed).

    ``original`` is ``before`` under its old name: the drop phase runs before any rename.
    ``referenced_by``: the tables whose foreign keys reference it (before or after): a partition
    of it is detached before it is dropped.
    """
    original = original or before
    d = TableDiff()
    if before == after:
        return d
    renamed = _columns(before, after, original, d, online)
    old_keys = [(kind, _constraint_cols(k, renamed), k) for kind, k in _keys(before)]
    new_keys = _keys(after)
    by_name = {k.name: (kind, k) for kind, k in new_keys}
    matched: set[str] = set()
    settled = {c.name for c in after.columns} - set(renamed.values()) - d.retyped - d.readded
    settled &= {c.name for c in before.columns}
    retyped_now = {renamed.get(c, c) for c in d.retyped | d.readded}
    for kind, k, k_old in old_keys:
        nk = by_name.get(k.name)
        if nk is not None and nk[0] == kind and bare(nk[1]) == bare(k) and isinstance(k, CheckConstraint) and \
                column_use(k.expression).touches(retyped_now):
            # Postgres would rebuild it from its parsed form, casts included, and the rollback would
            # not give the original back (or drop it with a re-added generated column): dropped
            # before the retype, added from the spec after it (NOT VALID, then validated)
            d.drop.insert(0, _drop(original, k_old, kind, online))
            d.build.append(_add(after, nk[1], kind, online))
            matched.add(k.name)
            continue
        if nk is not None and nk[0] == kind and bare(nk[1]) == bare(k):  # kept; its comment may change
            _comment(d, after, nk[1], k.comment, kind)
            matched.add(k.name)
            continue
        if online and isinstance(k, CheckConstraint) and nk is not None and isinstance(nk[1], CheckConstraint) \
                and _reads_only(k, settled) and _reads_only(nk[1], settled):
            # the old check stays until the new one has validated: no moment without a check
            d.build.append(ReplaceCheck(after, nk[1], k, online))
            matched.add(k.name)
            continue
        same_def = next((n for kn, n in new_keys if kn == kind and n.name not in matched and n.name not in
                         {o.name for _, o, _ in old_keys} and bare(dataclasses.replace(k, name=n.name)) == bare(n)),
                        None)
        if same_def is not None:  # a derived name changed (table or column renamed): rename it (its comment stays)
            d.rename.append(RenameConstraint(after, dataclasses.replace(same_def, comment=k.comment), k, kind))
            _comment(d, after, same_def, k.comment, kind)
            matched.add(same_def.name)
            continue
        d.drop.insert(0, _drop(original, k_old, kind, online))
    for kind, k in new_keys:
        if k.name not in matched:
            d.build.append(_add(after, k, kind, online))
    _partitions(before, after, original, d, referenced_by)
    side = ("rls_enable", "rls_force", "realtime", "comment", "grants", "revoke_from")
    if any(getattr(before, f) != getattr(after, f) for f in side):
        names_move = any(isinstance(op, DropColumn) for op in d.drop) or d.renamed
        if names_move and (before.grants, before.revoke_from) != (after.grants, after.revoke_from):
            # revoke before the columns it names are dropped or renamed; grant after (inverse: mirrored)
            back = {new: old for old, new in d.renames.items()}
            kept = tuple(dataclasses.replace(g, columns=tuple(back.get(c, c) for c in g.columns)) for g in after.grants)
            revoked = dataclasses.replace(original, grants=kept, revoke_from=after.revoke_from)
            d.drop.insert(0, RevokePrivileges(revoked, original))
            d.build.append(GrantPrivileges(after, before))
        else:
            d.build.append(AlterObject(after, before))
    return d


def _partitions(before: TableIR, after: TableIR, original: TableIR, d: TableDiff,
                referenced_by: tuple[str, ...] = ()) -> None:
    """Partitions dropped (with the drops) and added (with the builds); those whose bound changed are
    detached and attached again with it, their rows kept (one :class:`MovePartitionBounds` per
    level); the same for the partitions of each kept partition, level by level. A new
    ``partition_by`` is refused: Postgres cannot re-partition a table (or a partition)."""
    if before.partition_by != after.partition_by:
        raise RefusedChange(after.id, f"table {after.id.qualified}: its partitioning cannot change "
                                      f"({before.partition_by or 'none'} → {after.partition_by or 'none'})",
                            "create a new table with the new partitioning, copy the rows, then drop the old one")
    _level(before.partitions, after.partitions, original.partitions, after, original, None, d, referenced_by)


def _level(before: tuple[PartitionIR, ...], after: tuple[PartitionIR, ...], original: tuple[PartitionIR, ...],
           table: TableIR, old_table: TableIR, parent: str | None, d: TableDiff,
           referenced_by: tuple[str, ...] = ()) -> None:
    """The partition ops of one level: the partitions of the table (``parent`` None) or of partition ``parent``."""
    new = {p.name: p for p in after}
    kept = {p.name for p in before if p.name in new}
    for p in before:
        if p.name in kept and p.partition_by != new[p.name].partition_by:
            raise RefusedChange(table.id, f"partition {table.id.schema}.{p.name} of {table.id.qualified}: its "
                                          f"partitioning cannot change ({p.partition_by or 'none'} → "
                                          f"{new[p.name].partition_by or 'none'})",
                                "declare a new partition with the new partitioning, move the rows, then drop the "
                                "old one")
    for p in reversed(original):
        if p.name not in kept:
            d.drop.append(DropPartition(old_table, p, parent, referenced_by))
    # after the drops (a bound may grow into a dropped partition's), before the adds (a new
    # partition may take what a bound gave up)
    if moves := tuple((p, new[p.name]) for p in before if p.name in kept and new[p.name].bound != p.bound):
        if identity := [c.name for c in table.columns if c.identity]:
            if parted := [p.name for p, _ in moves if p.partition_by]:
                # PostgreSQL 17+ takes the identity off a detached partition and all its partitions, but
                # gives it back to the partition alone when it is attached again: the tree would differ
                raise RefusedChange(table.id, f"table {table.id.qualified}: the bound of partition(s) "
                                              f"{', '.join(parted)} cannot move: they are partitioned in turn and "
                                              f"the table has identity column(s) {', '.join(identity)}, which "
                                              "PostgreSQL 17+ does not give back to their partitions after "
                                              "DETACH and ATTACH",
                                    "declare a new partition with the new bound, move the rows, then drop the old one")
        d.build.append(MovePartitionBounds(table, moves, parent))
    d.build += [AddPartition(table, p, parent, referenced_by) for p in after if p.name not in kept]
    olds = {p.name: p for p in original}
    for p in before:
        if p.name in kept and p.partitions != new[p.name].partitions:
            _level(p.partitions, new[p.name].partitions, olds[p.name].partitions, table, old_table, p.name, d,
                   referenced_by)


def _reads_only(k: Constraint, columns: set[str]) -> bool:
    """Whether check ``k`` reads only ``columns`` (ones that keep their name and type)."""
    use = column_use(k.expression) if isinstance(k, CheckConstraint) else None
    return use is not None and not use.star and use.names <= columns
