"""Partitioned tables: the partition key, each partition's bound, the default partition, and the
monthly helper's form when the partitions are exactly what it generates.

What the spec states of a partitioned table is its ``partition_by`` and the name and bound of each
partition; everything else a partition holds is its parent's, cloned by Postgres (its columns,
indexes attached to the parent's, keys and foreign keys with a parent constraint, triggers with a
parent trigger) or put on every partition by the generator (RLS switched on like the parent's,
privileges revoked). Those are not emitted. Anything else on a partition is its own and reported
(:class:`~generator.pull.catalog.Unsupported`), never dropped silently, as is every key or bound the
language cannot state.

The readers of what the language cannot state yet are kept apart, so that stating them later is a
change to one function each: :func:`key_data` (expression keys, operator classes, collations),
:func:`bound_datum` (``MINVALUE``/``MAXVALUE``, ``NULL``) and the sub-partition check in :func:`read`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...quoting import quote_ident
from ...sqlan.partitions import BoundValue, partition_bound
from ..catalog import Catalog, qualified
from ..privileges import grants_of

STRATEGIES = {"r": "range", "l": "list", "h": "hash"}

KEYS = """
select p.partrelid as rel, p.partstrat as strategy, pg_get_partkeydef(p.partrelid) as def,
       0 = any(p.partattrs::int2[]) as has_expression,
       array(select coalesce(a.attname::text, '') from unnest(p.partattrs::int2[]) with ordinality k(n, o)
             left join pg_attribute a on a.attrelid = p.partrelid and a.attnum = k.n order by k.o) as columns,
       array(select coalesce(format_type(a.atttypid, a.atttypmod), '')
             from unnest(p.partattrs::int2[]) with ordinality k(n, o)
             left join pg_attribute a on a.attrelid = p.partrelid and a.attnum = k.n order by k.o) as types
from pg_partitioned_table p
where p.partrelid = any(%(rels)s)
"""

#: Every partition below the pulled parents, at any depth (``depth`` 1: a partition of the table).
PARTITIONS = """
with recursive tree as (
  select i.inhrelid as oid, i.inhparent as parent, 1 as depth from pg_inherits i
  where i.inhparent = any(%(rels)s)
  union all
  select i.inhrelid, i.inhparent, t.depth + 1 from pg_inherits i join tree t on i.inhparent = t.oid
)
select t.oid, t.parent, t.depth, n.nspname as schema, c.relname as name, c.relkind as kind,
       pn.nspname as parent_schema, pc.relname as parent_name,
       pg_get_expr(c.relpartbound, c.oid) as bound, c.relpersistence as persistence, c.reloptions as options,
       c.relrowsecurity as rls, c.relforcerowsecurity as force_rls, c.relacl as acl, c.relowner as owner,
       pg_get_userbyid(c.relowner) as owner_name, obj_description(c.oid, 'pg_class') as comment,
       case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as own_key
from tree t join pg_class c on c.oid = t.oid join pg_namespace n on n.oid = c.relnamespace
join pg_class pc on pc.oid = t.parent join pg_namespace pn on pn.oid = pc.relnamespace
where c.relispartition
order by t.depth, n.nspname, c.relname
"""

#: The columns of parents and partitions, as much as a partition could state differently.
COLUMNS = """
select a.attrelid as rel, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull as not_null, a.attidentity as identity, a.attgenerated as generated,
       pg_get_expr(d.adbin, d.adrelid) as expr, a.attcollation as collation, a.attstorage as storage,
       a.attcompression as compression, col_description(a.attrelid, a.attnum) as comment,
       coalesce(cardinality(a.attacl), 0) > 0 as granted
from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = any(%(rels)s) and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum
"""

#: A partition's constraints that are its own: not cloned from the parent's (``conparentid``), not
#: an inherited check (``coninhcount``: one the partition declared too before it was attached is
#: merged with its table's, same name and expression); NOT NULL (``n``, PostgreSQL 18) is compared
#: per column.
OWN_CONSTRAINTS = """
select con.conrelid as rel, con.conname as name, pg_get_constraintdef(con.oid) as def
from pg_constraint con
where con.conrelid = any(%(rels)s) and con.contype <> 'n' and con.conparentid = 0
  and (con.contype <> 'c' or con.coninhcount = 0)
order by 1, 2
"""

#: The indexes and foreign keys Postgres gave a partition as clones of its table's (or attached to them):
#: their names are Postgres's choice when the spec re-creates them, so one named otherwise is reported.
CLONED_INDEXES = """
select i.indrelid as rel, ic.relname as name,
       (select con.contype from pg_constraint con where con.conindid = i.indexrelid and con.conrelid = i.indrelid
          and con.contype in ('p', 'u', 'x')) as contype,
       array(select coalesce(a.attname::text, '') from unnest(i.indkey::int2[]) with ordinality k(n, o)
             left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n and k.n <> 0
             order by k.o) as columns
from pg_index i join pg_class ic on ic.oid = i.indexrelid
where i.indrelid = any(%(rels)s) and ic.relispartition
order by 1, 2
"""

CLONED_FKS = """
select con.conrelid as rel, con.conname as name, p.conname as parent_name, p.conrelid as parent_rel
from pg_constraint con join pg_constraint p on p.oid = con.conparentid
where con.conrelid = any(%(rels)s) and con.contype = 'f'
order by 1, 2
"""

_SUFFIX = {"p": "pkey", "u": "key", "x": "excl"}

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-01(?P<time> 00:00:00(?P<zone>[+-]\d{2}(?::\d{2}){0,2})?)?$")


@dataclass(frozen=True, slots=True)
class Partitioning:
    """What the spec states of one partitioned table: ``partition_by`` and ``partitions``."""

    partition_by: dict[str, Any]
    partitions: list[dict[str, Any]] | dict[str, Any]


class Unstatable(Exception):
    """A bound the language cannot state (the reason is the message)."""


def key_data(strategy: str, columns: list[str], definition: str, has_expression: bool) -> tuple[
        dict[str, Any] | None, str]:
    """``partition_by`` of a key, or None and why the language cannot state it: the spec's key is
    plain columns, so Postgres's text of the key must be exactly what the generator writes."""
    data = {"strategy": STRATEGIES[strategy], "columns": list(columns)}
    expected = f"{STRATEGIES[strategy].upper()} ({', '.join(quote_ident(c) for c in columns)})"
    if definition == expected and not has_expression:
        return data, ""
    if has_expression:
        return None, f"partition key {definition}: an expression in the key"
    return None, f"partition key {definition}: an operator class or collation in the key"


def bound_datum(value: BoundValue) -> str | int:
    """One value of a bound as the spec writes it (Postgres casts the literal to the key's type)."""
    if value.kind == "literal" and value.value is not None:
        return value.value
    if value.kind == "null":
        raise Unstatable("a NULL bound value")
    if value.kind in ("minvalue", "maxvalue"):
        raise Unstatable(f"a {value.kind.upper()} bound")
    raise Unstatable("a bound value the spec cannot write")


def bound_data(strategy: str, bound: str) -> dict[str, Any]:
    """``FOR VALUES …`` / ``DEFAULT`` as Postgres prints it → the spec's ``values`` (or ``default``);
    :class:`Unstatable` for what the language cannot state."""
    b = partition_bound(bound)
    if b.default:
        return {"default": True}

    def one(values: tuple[BoundValue, ...]) -> Any:
        out = [bound_datum(v) for v in values]
        return out[0] if len(out) == 1 else out

    if strategy == "r":
        return {"values": {"from": one(b.lower), "to": one(b.upper)}}
    if strategy == "l":
        return {"values": {"in": [bound_datum(v) for v in b.values]}}
    return {"values": {"modulus": b.modulus, "remainder": b.remainder}}


def _month(value: Any, key_type: str) -> tuple[int, int] | None:
    """(year, month) when ``value`` is how Postgres prints the first of a month at midnight for a key of
    ``key_type`` (what the monthly helper's ``'YYYY-MM-01'`` becomes in this session's time zone)."""
    if not isinstance(value, str):
        return None
    m = _MONTH.match(value)
    if not m:
        return None
    if key_type in ("date", "text") or key_type.startswith("character varying"):
        ok = m.group("time") is None
    elif re.fullmatch(r"timestamp(\(\d\))? without time zone", key_type):
        ok = m.group("time") is not None and m.group("zone") is None
    elif re.fullmatch(r"timestamp(\(\d\))? with time zone", key_type):
        ok = m.group("zone") is not None
    else:
        ok = False
    return (int(m.group(1)), int(m.group(2))) if ok else None


def monthly_form(table: str, key_type: str, partitions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The monthly helper's form (``{monthly: {from, to}, default: true}``) when ``partitions`` are
    exactly what it generates for ``table``: ``<table>_yYYYYmMM`` over consecutive months, each from
    the first of its month to the first of the next, and ``<table>_default`` if there is a default."""
    months: list[tuple[int, int]] = []
    default = False
    for p in partitions:
        if p.get("default"):
            if p["name"] != f"{table}_default":
                return None
            default = True
            continue
        values = p["values"]
        start, end = _month(values.get("from"), key_type), _month(values.get("to"), key_type)
        if start is None or end is None or end != _next(start) \
                or p["name"] != f"{table}_y{start[0]:04d}m{start[1]:02d}":
            return None
        months.append(start)
    if not months:
        return None
    months.sort()
    if any(b != _next(a) for a, b in zip(months, months[1:], strict=False)):
        return None
    last = _next(months[-1])
    data: dict[str, Any] = {"monthly": {"from": f"{months[0][0]:04d}-{months[0][1]:02d}",
                                        "to": f"{last[0]:04d}-{last[1]:02d}"}}
    if default:
        data["default"] = True
    return data


def _next(month: tuple[int, int]) -> tuple[int, int]:
    y, m = month
    return (y + 1, 1) if m == 12 else (y, m + 1)


def clone_index_name(partition: str, contype: str | None, columns: list[str]) -> str | None:
    """The name Postgres gives a partition's clone of its table's index (``<partition>_<columns>_idx``,
    ``_pkey``, ``_key``, ``_excl``), or None where it cannot be told without Postgres: an expression
    column (named after its function), or a name Postgres would truncate."""
    if any(not c for c in columns):
        return None
    suffix = _SUFFIX.get(contype or "", "idx")
    name = "_".join([partition, suffix] if suffix == "pkey" else [partition, *columns, suffix])
    return name if len(name.encode("utf-8")) <= 63 else None


def _column_shape(c: dict[str, Any], identity: str) -> tuple[Any, ...]:
    return (c["name"], c["type"], c["not_null"], identity, c["generated"], c["expr"], c["collation"], c["storage"],
            c["compression"])


def read(cat: Catalog, parents: list[dict[str, Any]]) -> dict[int, Partitioning | None]:
    """``partition_by`` and ``partitions`` of each partitioned table of ``parents`` (rows of the table
    reader's query), or None for a table whose key the language cannot state (reported: it is left
    out, its partitions with it). Records in ``cat.partitions`` every partition seen, so that what is
    declared on one is reported as such."""
    rels = [t["oid"] for t in parents]
    if not rels:
        return {}
    by_oid = {t["oid"]: t for t in parents}
    keys = {k["rel"]: k for k in cat.rows(KEYS, {"rels": rels})}
    rows = cat.rows(PARTITIONS, {"rels": rels})
    for r in rows:
        cat.partitions[(r["schema"], r["name"])] = qualified(r["parent_schema"], r["parent_name"])
    columns: dict[int, list[dict[str, Any]]] = {}
    for c in cat.rows(COLUMNS, {"rels": rels + [r["oid"] for r in rows]}):
        columns.setdefault(c["rel"], []).append(c)
    parts = [r["oid"] for r in rows]
    own: dict[int, list[dict[str, Any]]] = {}
    for k in cat.rows(OWN_CONSTRAINTS, {"rels": parts}):
        own.setdefault(k["rel"], []).append(k)
    for k in cat.rows(CLONED_INDEXES, {"rels": parts}):
        own.setdefault(k["rel"], []).append({**k, "cloned": "index"})
    for k in cat.rows(CLONED_FKS, {"rels": parts}):
        own.setdefault(k["rel"], []).append({**k, "cloned": "fk"})
    # a partition inherits its parent's identity columns from PostgreSQL 17 on (before, it has none)
    inherited_identity = cat.server_version >= 170000

    out: dict[int, Partitioning | None] = {}
    stated: dict[int, list[dict[str, Any]]] = {oid: [] for oid in rels}
    for oid in rels:
        t, k = by_oid[oid], keys[oid]
        key, why = key_data(k["strategy"], list(k["columns"]), k["def"], k["has_expression"])
        if key is None:
            cat.skip("table", qualified(t["schema"], t["name"]), f"{why}; left out with its partitions")
        out[oid] = None if key is None else Partitioning(key, [])
    for r in rows:
        name = qualified(r["schema"], r["name"])
        parent = qualified(r["parent_schema"], r["parent_name"])
        if r["depth"] > 1:
            cat.skip("partition", name, f"a partition of {parent}, itself partitioned")
            continue
        if out.get(r["parent"]) is None:
            continue  # its table is reported and left out
        if r["kind"] == "p":
            cat.skip("partition", name, f"of {parent}, itself partitioned ({r['own_key']}): sub-partitions")
            continue
        if r["kind"] != "r":
            cat.skip("partition", name, f"of {parent}, a foreign table")
            continue
        if r["schema"] != r["parent_schema"]:
            cat.skip("partition", name, f"of {parent}, in another schema than its table")
            continue
        try:
            data = {"name": r["name"], **bound_data(keys[r["parent"]]["strategy"], r["bound"])}
        except Unstatable as exc:
            cat.skip("partition", name, f"of {parent}, {r['bound']}: {exc}")
            continue
        _own_objects(cat, r, by_oid[r["parent"]], name, columns, own.get(r["oid"], []), inherited_identity)
        stated[r["parent"]].append(data)
    for oid, part in out.items():
        if part is None:
            continue
        key = keys[oid]
        found = sorted(stated[oid], key=lambda p: (bool(p.get("default")), p["name"]))
        monthly = None
        if key["strategy"] == "r" and len(key["columns"]) == 1:
            monthly = monthly_form(by_oid[oid]["name"], key["types"][0], found)
        out[oid] = Partitioning(part.partition_by, monthly or found)
    return out


def _own_objects(cat: Catalog, r: dict[str, Any], parent: dict[str, Any], name: str,
                 columns: dict[int, list[dict[str, Any]]], own: list[dict[str, Any]],
                 inherited_identity: bool) -> None:
    """Report what partition ``r`` holds beyond what its parent and the generator give it."""
    mine = [_column_shape(c, c["identity"]) for c in columns.get(r["oid"], [])]
    theirs = [_column_shape(c, c["identity"] if inherited_identity else "") for c in columns.get(parent["oid"], [])]
    if mine != theirs:
        diff = sorted({a[0] for a in mine} ^ {b[0] for b in theirs}
                      | {a[0] for a, b in zip(mine, theirs, strict=False) if a != b})
        cat.skip("partition", name, "columns of its own or unlike its table's: " + ", ".join(diff))
    for c in columns.get(r["oid"], []):
        if c["comment"] is not None:
            cat.skip("partition", name, f"a comment on its column {c['name']}")
        if c["granted"]:
            cat.skip("partition", name, f"privileges on its column {c['name']}")
    for k in own:
        if k.get("cloned") == "index":
            expected = clone_index_name(r["name"], k["contype"], list(k["columns"]))
            if expected is not None and not re.fullmatch(re.escape(expected) + r"\d*", k["name"]):
                cat.skip("partition", name, f"index {k['name']} of its table's, under a name of its own "
                                            f"(Postgres names it {expected})")
        elif k.get("cloned") == "fk":
            if k["parent_rel"] == parent["oid"] and k["name"] != k["parent_name"]:
                cat.skip("partition", name, f"foreign key {k['name']} of its table's, under a name of its own "
                                            f"(Postgres names it {k['parent_name']})")
        else:
            cat.skip("partition", name, f"its own constraint {k['name']} ({k['def']})")
    if r["comment"] is not None:
        cat.skip("partition", name, "a comment of its own")
    if r["persistence"] == "u":
        cat.skip("partition", name, "UNLOGGED")
    if r["options"]:
        cat.skip("partition", name, f"storage parameters {', '.join(r['options'])}")
    if r["rls"] != parent["rls"] or r["force_rls"]:
        cat.skip("partition", name, "row level security unlike its table's (the spec enables it on every "
                                    "partition exactly when the table has it, never forced)")
    if grants_of(cat, "partition", name, r["acl"], "r", r["owner"], r["owner_name"]):
        cat.skip("partition", name, "privileges of its own (the spec revokes them on every partition: the "
                                    "table, under its policies, is the way in)")
