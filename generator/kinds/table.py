"""Tables: changed part by part with ``ALTER TABLE`` (:mod:`generator.plan.tables`, the column and
constraint ops of :mod:`generator.plan.ops`), never replaced for a change; dropping one loses its rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ir.build import MAX_COLUMNS, split_name
from ..ir.exclusion import build_excludes
from ..ir.ids import ObjectId
from ..ir.model import CheckConstraint, Column, ForeignKeyIR, KeyConstraint, PartitionIR, TableIR
from ..ir.names import constraint_name
from ..ir.partitions import kept_partitions, outline, parent_name, tree
from ..ir.serial import sequence_name, serial_base, storage_problem
from ..ir.sql import SqlRefs, type_refs
from ..plan.ops import AEL, NO_REWRITE, Lock, Op, Part, brief
from ..quoting import quote_ident, quote_literal, quote_qualified
from ..spec import models as s
from . import Kind, KindDef, register
from ._alter import in_place
from .index import build_index
from .policy import build_policy
from .trigger import build_trigger

if TYPE_CHECKING:
    from ..ir.build import Builder


def _lock(op: Op, part: Part) -> Lock:
    """Create, drop, rename or alter the table itself (its parts' ops know their own locks)."""
    name = op.obj.id.qualified
    if part.action == "create":
        return Lock(AEL, f"{AEL} on {name} (new, empty); {NO_REWRITE}")
    if part.action == "drop":
        return Lock(AEL, f"{AEL} on {name}; drops it and its rows")
    if part.action == "alter" and isinstance(op.obj, TableIR) and isinstance(op.old, TableIR) and \
            (op.obj.rls_enable, op.obj.rls_force) == (op.old.rls_enable, op.old.rls_force):
        return Lock(None, f"no table lock (privileges, comments); {NO_REWRITE}")
    return brief(AEL, name)


def partition_name(table: TableIR, p: PartitionIR) -> str:
    """The quoted qualified name of partition ``p`` (it lives in its parent's schema)."""
    return quote_qualified(table.id.schema, p.name)


#: The words a range bound may hold instead of a value: below and above every value of the column.
RANGE_LIMITS = ("MINVALUE", "MAXVALUE")


def _values(v: list[str | int] | str | int) -> list[str | int]:
    return v if isinstance(v, list) else [v]


def _bound_values(v: list[str | int] | str | int, limits: bool = False) -> str:
    """``(v1, v2, ...)``: each value a literal (the quoting path), or, in a range bound (``limits``),
    MINVALUE or MAXVALUE written as the keyword."""
    return "(" + ", ".join(x if limits and x in RANGE_LIMITS else quote_literal(x) for x in _values(v)) + ")"


def _range_problem(v: s.PartitionValues, width: int) -> str | None:
    """What Postgres would refuse in a range bound over ``width`` key columns (None: nothing)."""
    for side, values in (("from", _values(v.from_)), ("to", _values(v.to))):  # type: ignore[arg-type]
        if len(values) != width:
            return f"`{side}` has {len(values)} value(s); the partition key has {width} column(s)"
        for a, b in zip(values, values[1:], strict=False):
            if a in RANGE_LIMITS and b != a:
                return f"`{side}`: every value after {a} must be {a} too (Postgres refuses it otherwise)"
    return None


def _partitions(b: Builder, d: s.Table, pk: KeyConstraint | None, uniques: list[KeyConstraint], colset: set[str],
                sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]],
                path: tuple[Any, ...]) -> tuple[str | None, tuple[PartitionIR, ...]]:
    """``partition_by`` as SQL and the partitions (the monthly helper expanded, partitions that are
    partitioned in turn with theirs); located errors for what Postgres refuses: a key without the
    partition columns (of any level), partitions of a plain table, a bound that does not fit the
    strategy, a name used twice in the tree. Key expressions are parsed into ``sql``."""
    keys = ([pk] if pk else []) + uniques
    return _level(b, "table", d.name, d.partition_by, d.partitions, Level(keys, colset, sql, d.name), path,
                  {d.name})


@dataclass(slots=True)
class Level:
    """What every level of a partition tree checks against: the table's unique keys and columns,
    and where the SQL of its key expressions goes (parsed, their references are the table's)."""

    keys: list[KeyConstraint]
    columns: set[str]
    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]]
    table: str


def _key(b: Builder, what: str, name: str, pb: s.PartitionBy, t: Level, path: tuple[Any, ...]) -> str:
    """``RANGE|LIST|HASH (key)``: columns quoted, each expression checked as exactly one SQL
    expression over the table's columns (like every SQL field) and written in parentheses."""
    at = path + ("partition_by", "columns")
    if pb.strategy == "list" and len(pb.columns) > 1:
        b.error(at, f"{what} {name!r}: a list partition key has one column (Postgres refuses more)")
    items: list[str] = []
    for i, c in enumerate(pb.columns):
        if isinstance(c, str):
            if c not in t.columns:
                b.error(at + (i,), f"partition_by uses unknown column {c!r} of table {t.table!r}")
            items.append(quote_ident(c))
            continue
        refs = b.sql(c.expression, at + (i, "expression"), "partition key expression")
        t.sql.append(("partition key", refs, at + (i, "expression")))
        b.columns_in(refs, t.columns, t.table, at + (i, "expression"), "partition key expression")
        items.append(f"({c.expression})")
        for k in t.keys:
            b.error(at + (i,), f"{what} {name!r}: constraint {k.name!r} cannot go with a partition key expression "
                               "(Postgres refuses a unique key on a table partitioned by an expression)")
    for k in t.keys:
        if missing := [c for c in pb.columns if isinstance(c, str) and c not in k.columns]:
            b.error(path + ("partition_by",), f"{what} {name!r}: constraint {k.name!r} must include the partition "
                                              f"column(s) {', '.join(missing)} (Postgres refuses a unique key on a "
                                              "partitioned table without them)")
    return f"{pb.strategy.upper()} ({', '.join(items)})"


def _level(b: Builder, what: str, name: str, pb: s.PartitionBy | None, partitions: list[s.Partition] | s.PartitionSet,
           t: Level, path: tuple[Any, ...], seen: set[str]) -> tuple[str | None, tuple[PartitionIR, ...]]:
    """One level of the partition tree: ``name``'s ``partition_by`` and its partitions (``seen``: the
    names of the tree so far)."""
    if pb is None:
        if partitions:
            b.error(path + ("partitions",), f"{what} {name!r} has partitions but no `partition_by`")
        return None, ()
    by = _key(b, what, name, pb, t, path)
    out: list[PartitionIR] = []
    pp = path + ("partitions",)
    if isinstance(partitions, s.PartitionSet):
        if pb.strategy != "range" or len(pb.columns) != 1:
            b.error(pp, "`monthly` partitions need `partition_by: {strategy: range}` on one column")
        y, mo = map(int, partitions.monthly.from_.split("-"))
        end = tuple(map(int, partitions.monthly.to.split("-")))
        if (y, mo) >= end:
            b.error(pp + ("monthly",), "`monthly`: `to` must come after `from`")
        while (y, mo) < end:
            ny, nm = (y + 1, 1) if mo == 12 else (y, mo + 1)
            out.append(PartitionIR(name=f"{name}_y{y:04d}m{mo:02d}",
                                   bound=f"FROM ('{y:04d}-{mo:02d}-01') TO ('{ny:04d}-{nm:02d}-01')"))
            y, mo = ny, nm
        if partitions.default:
            out.append(PartitionIR(name=f"{name}_default", bound="DEFAULT"))
    else:
        for i, p in enumerate(partitions):
            at = pp + (i,)
            b.ident(p.name, at + ("name",), "partition name")
            if (bound := _bound(b, p, pb, at)) is None:
                continue
            sub_by, sub = _level(b, "partition", p.name, p.partition_by, p.partitions, t, at, seen)
            out.append(PartitionIR(name=p.name, bound=bound, partition_by=sub_by, partitions=sub))
    for part in out:
        if part.name in seen:
            b.error(pp, f"duplicate partition name {part.name!r} of {what} {name!r}")
        seen.add(part.name)
    return by, tuple(out)


def _bound(b: Builder, p: s.Partition, pb: s.PartitionBy, at: tuple[Any, ...]) -> str | None:
    """Partition ``p``'s bound as SQL (after ``FOR VALUES``, or ``DEFAULT``); None after an error."""
    v = p.values
    if p.default:
        if v is not None or pb.strategy == "hash":
            b.error(at, "a default partition takes no `values` (and a hash table has none)")
        return "DEFAULT"
    if v is None:
        b.error(at, f"partition {p.name!r} needs `values` or `default: true`")
        return None
    if pb.strategy == "range" and v.from_ is not None and v.to is not None and v.in_ is None and v.modulus is None:
        if problem := _range_problem(v, len(pb.columns)):
            b.error(at + ("values",), f"partition {p.name!r}: {problem}")
        return f"FROM {_bound_values(v.from_, True)} TO {_bound_values(v.to, True)}"
    if pb.strategy == "list" and v.in_ and v.from_ is None and v.modulus is None:
        return f"IN {_bound_values(v.in_)}"
    if pb.strategy == "hash" and v.modulus is not None and v.remainder is not None and v.in_ is None \
            and v.from_ is None and 0 <= v.remainder < v.modulus:
        return f"WITH (MODULUS {v.modulus}, REMAINDER {v.remainder})"
    b.error(at + ("values",), f"partition {p.name!r}: a {pb.strategy} partition takes "
            + {"range": "`from` and `to`", "list": "`in`",
               "hash": "`modulus` and `remainder` (0 <= remainder < modulus)"}[pb.strategy])
    return None


def build_table(b: Builder, d: s.Table, mig: int, path: tuple[Any, ...]) -> None:
    """A table of ``migrations[].tables``: its columns, keys and checks; its foreign keys (separate
    objects, created after both tables, so cycles cannot occur); its indexes, policies and triggers."""
    tname, sch = d.name, d.schema_
    tid = ObjectId(Kind.TABLE, sch, tname)
    b.ident(tname, path + ("name",), "table name")
    names = [c.name for c in d.columns]
    colset = set(names)
    if len(names) > MAX_COLUMNS:
        b.error(path + ("columns",), f"table {tname!r} has {len(names)} columns; Postgres allows at most "
                                     f"{MAX_COLUMNS}")
    used_constraints: set[str] = set()

    def cname(explicit: str | None, cols: list[str], suffix: str, at: tuple[Any, ...]) -> str:
        name = explicit or constraint_name(tname, cols, suffix)
        base, n = name, 0
        while not explicit and name in used_constraints:
            n += 1
            name = f"{base}{n}"
        if name in used_constraints:
            b.error(at, f"duplicate constraint name {name!r} on table {tname!r}")
        used_constraints.add(name)
        b.ident(name, at, "constraint name")
        return name

    def check_cols(cols: Iterable[str], at: tuple[Any, ...], what: str) -> None:
        for i, c in enumerate(cols):
            if c not in colset:
                b.error(at + (i,), f"{what} uses unknown column {c!r} of table {tname!r}")

    sql: list[tuple[str, SqlRefs | None, tuple[Any, ...]]] = []
    columns, pk_cols, uniques, checks = [], list(d.primary_key), [], []
    seen: set[str] = set()
    for i, c in enumerate(d.columns):
        cp = path + ("columns", i)
        b.ident(c.name, cp + ("name",), "column name")
        b.collation(c.collation, cp + ("collation",))
        if c.name in seen:
            b.error(cp + ("name",), f"duplicate column {c.name!r} in table {tname!r}")
        seen.add(c.name)
        sql.append(("type", b.sql(c.type, cp + ("type",), f"column {c.name!r} type", type_refs),
                    cp + ("type",)))
        sql.append(("default", b.sql(c.default, cp + ("default",), f"column {c.name!r} default"),
                    cp + ("default",)))
        sql.append(("generated", b.sql(c.generated, cp + ("generated",), f"column {c.name!r}"),
                    cp + ("generated",)))
        # checked like a default; its references are not dependencies: it runs once, when the
        # column is added, and is not part of the state
        backfill = b.sql(c.backfill, cp + ("backfill",), f"column {c.name!r} backfill")
        b.columns_in(backfill, colset, tname, cp + ("backfill",), f"column {c.name!r} backfill")
        serial = serial_base(c.type) is not None
        if c.backfill is not None and (c.generated or c.identity or serial):
            b.error(cp + ("backfill",), f"column {c.name!r}: a generated or identity column computes its "
                                        "values; `backfill` would never run")
        if c.primary_key:
            if pk_cols:
                b.error(cp + ("primary_key",), f"table {tname!r} declares its primary key twice")
            pk_cols = [c.name]
        # serial: NOT NULL, as Postgres makes it
        nullable = c.nullable and not c.primary_key and c.name not in d.primary_key and not serial
        if c.identity or serial:
            b.ident(sequence_name(tname, c.name), cp + ("identity" if c.identity else "type",),
                    f"{'identity' if c.identity else 'serial'} sequence name")
        if c.identity and c.default:
            b.error(cp + ("identity",), f"column {c.name!r} has both identity and default")
        if serial and (c.default or c.identity or c.generated):
            b.error(cp + ("type",), f"column {c.name!r}: a {c.type} column's default is its sequence; "
                                    "it takes no default, identity or generated")
        if c.sequence_grants and not (c.identity or serial):
            b.error(cp + ("sequence_grants",), f"column {c.name!r}: `sequence_grants` needs an identity "
                                               "or serial column (its sequence)")
        for g in c.sequence_grants:
            if set(g.privileges) - {"usage", "select", "update", "all"}:
                b.error(cp + ("sequence_grants",), "a sequence takes usage, select and update")
        if problem := storage_problem(c.type, c.storage, c.compression):
            b.error(cp + ("storage" if c.storage not in (None, "plain") else "compression",),
                    f"column {c.name!r}: {problem}")
        columns.append(Column(name=c.name, type=c.type, collation=c.collation, storage=c.storage,
                                compression=c.compression,
                                nullable=nullable, default=c.default,
                                identity=c.identity, generated=c.generated, comment=c.comment,
                                shape=c.shape, pos=b.pos(cp), renamed_from=c.renamed_from,
                                backfill=c.backfill,
                                sequence_grants=b.grants(c.sequence_grants, cp + ("sequence_grants",))))
    check_cols(d.primary_key, path + ("primary_key",), "primary key")
    pk = KeyConstraint(name=cname(None, [], "pkey", path), columns=tuple(pk_cols),
                       comment=d.primary_key_comment) if pk_cols else None
    if d.primary_key_comment is not None and not pk_cols:
        b.error(path + ("primary_key_comment",), f"table {tname!r} has no primary key to comment on")
    for i, c in enumerate(d.columns):
        cp = path + ("columns", i)
        if c.unique:
            uniques.append(KeyConstraint(name=cname(None, [c.name], "key", cp), columns=(c.name,)))
        if c.check:
            refs = b.sql(c.check, cp + ("check",), f"column {c.name!r} check")
            sql.append(("check", refs, cp + ("check",)))
            b.columns_in(refs, colset, tname, cp + ("check",), "check")
            checks.append(CheckConstraint(name=cname(None, [c.name], "check", cp),
                                            expression=c.check, pos=b.pos(cp + ("check",))))
    for i, u in enumerate(d.unique):
        up = path + ("unique", i)
        check_cols(u.columns, up + ("columns",), "unique constraint")
        uniques.append(KeyConstraint(name=cname(u.name, u.columns, "key", up), columns=tuple(u.columns),
                                       nulls_not_distinct=u.nulls_not_distinct, comment=u.comment))
    for i, ck in enumerate(d.checks):
        kp = path + ("checks", i)
        refs = b.sql(ck.expression, kp + ("expression",), "check")
        sql.append(("check", refs, kp + ("expression",)))
        b.columns_in(refs, colset, tname, kp + ("expression",), "check")
        one = sorted(refs.columns) if refs and len(refs.columns) == 1 else []
        checks.append(CheckConstraint(name=cname(ck.name, one, "check", kp), expression=ck.expression,
                                        comment=ck.comment, pos=b.pos(kp)))
    excludes, exclude_sql, exclude_deps = build_excludes(b, d, colset, cname, path)
    sql += exclude_sql
    partition_by, partitions = _partitions(b, d, pk, uniques, colset, sql, path)
    rls = d.rls or s.Rls()
    for i, g in enumerate(d.grants):
        check_cols(g.columns, path + ("grants", i, "columns"), "grant")
    table = TableIR(
        id=tid, migration=mig, columns=tuple(columns), primary_key=pk, uniques=tuple(uniques),
        checks=tuple(checks), excludes=tuple(excludes), rls_enable=rls.enable, rls_force=rls.force,
        realtime=d.realtime, comment=d.comment, partition_by=partition_by, partitions=partitions,
        description=d.description, pos=b.pos(path), grants=b.grants(d.grants, path + ("grants",)),
        revoke_from=b.revoke_from, renamed_from=d.renamed_from,
    )
    b.add(table, path, [ObjectId(Kind.SCHEMA, "", sch), *sorted(exclude_deps, key=str)], sql)
    for _parent, part in tree(table):  # a partition is a relation of the schema: its name is taken
        if (other := b.namespace.get((sch, part.name))) is not None and other != tid:
            b.error(path + ("partitions",), f"partition {sch}.{part.name} has the same name as {other}")
        b.namespace.setdefault((sch, part.name), tid)

    # foreign keys: separate objects, created after both tables (cycles cannot occur)
    fks: list[tuple[s.Reference | s.ForeignKey, list[str], list[str], str | None, tuple[Any, ...]]]
    fks = [(c.references, [c.name], [c.references.column], c.references.name, path + ("columns", i,
            "references"))
           for i, c in enumerate(d.columns) if c.references]
    fks += [(f, f.columns, f.references.columns, f.name, path + ("foreign_keys", i))
            for i, f in enumerate(d.foreign_keys)]
    for spec_fk, cols, target_cols, explicit, fp in fks:
        target_name = spec_fk.table if isinstance(spec_fk, s.Reference) else spec_fk.references.table
        tsch, trel = split_name(target_name, sch)
        check_cols(cols, fp + ("columns",), "foreign key")
        name = cname(explicit, cols, "fkey", fp)
        fk = ForeignKeyIR(
            id=ObjectId(Kind.CONSTRAINT, sch, name, table=tname), migration=mig, columns=tuple(cols),
            target=ObjectId(Kind.TABLE, tsch, trel), target_columns=tuple(target_cols),
            on_delete=spec_fk.on_delete, on_update=spec_fk.on_update, deferrable=spec_fk.deferrable,
            initially=spec_fk.initially, match=spec_fk.match, comment=spec_fk.comment,
            pos=b.pos(fp),
        )
        b.add(fk, fp, [tid, fk.target])
    for i, ix in enumerate(d.indexes):
        build_index(b, ix, tid, colset, mig, path + ("indexes", i))
    for i, p in enumerate(d.policies):
        build_policy(b, p, tid, colset, mig, path + ("policies", i))
    for i, t in enumerate(d.triggers):
        build_trigger(b, t, tid, colset, mig, path + ("triggers", i))


TABLE = register(KindDef(kind=Kind.TABLE, ir=TableIR, keyword="TABLE", template_dir="table",
                         namespace="relation", relation=True, holds_data=True, plural="tables",
                         alter=in_place, lock=_lock, columns="declared", api_default_grant=True,
                         docs_section="tables", docs_heading=True,
                         names_type=True, section="tables", build=build_table,
                         hooks={"nested": lambda: {("TableIR", "partitions"): PartitionIR,
                                                   ("PartitionIR", "partitions"): PartitionIR},
                                "filters": lambda: {"partition_name": partition_name, "partition_parent": parent_name,
                                                    "kept_partitions": kept_partitions,
                                                    "partition_outline": outline}}))
