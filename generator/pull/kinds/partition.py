"""Partitioned tables: the partition key, each partition's bound, the default partition, and the
monthly helper's form when the partitions are exactly what it generates.

What the spec states of a partitioned table is its ``partition_by`` and the name and bound of each
partition; everything else a partition holds is its parent's, cloned by Postgres (its columns,
indexes attached to the parent's, keys and foreign keys with a parent constraint, triggers with a
parent trigger) or put on every partition by the generator (RLS switched on like the parent's,
privileges revoked). Those are not emitted. Anything else on a partition is its own and reported
(:class:`~generator.pull.catalog.Unsupported`), never dropped silently, as is every key or bound the
language cannot state.

Keys are plain columns or expressions (each expression's text as Postgres deparses it, from
``pg_get_partkeydef``); bounds may hold ``MINVALUE``/``MAXVALUE``; a partition partitioned in turn
comes back with its own ``partition_by`` and ``partitions`` (monthly where it is exactly the helper's),
at any depth. What the language cannot state is kept apart, one function each: :func:`key_data`
(operator classes, collations) and :func:`bound_datum` (``NULL``).
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
       array(select coalesce(a.attname::text, '') from unnest(p.partattrs::int2[]) with ordinality k(n, o)
             left join pg_attribute a on a.attrelid = p.partrelid and a.attnum = k.n order by k.o) as columns,
       array(select coalesce(format_type(a.atttypid, a.atttypmod), format_type(oc.opcintype, null), '')
             from unnest(p.partattrs::int2[], p.partclass::oid[]) with ordinality k(n, cls, o)
             left join pg_attribute a on a.attrelid = p.partrelid and a.attnum = k.n
             left join pg_opclass oc on oc.oid = k.cls order by k.o) as types
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


def split_key(definition: str) -> list[str]:
    """The elements of ``pg_get_partkeydef``'s text (``RANGE (a, (a + 1), lower(b))``), split at the
    commas outside parentheses, quoted identifiers and string literals."""
    body = definition[definition.index("(") + 1:definition.rindex(")")]
    out: list[str] = []
    depth, start, i, quote = 0, 0, 0, ""
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == quote:
                if body[i + 1:i + 2] == quote:
                    i += 1
                else:
                    quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(body[start:i].strip())
            start = i + 1
        i += 1
    out.append(body[start:].strip())
    return out


def _closing(text: str, at: int) -> int:
    """The index of the parenthesis closing the one at ``at`` (quotes skipped); -1 if none."""
    depth, quote = 0, ""
    for i in range(at, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote  # a doubled quote closes and reopens: same result
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def key_expression(element: str) -> str | None:
    """The expression of a key element as Postgres prints it: a function-like call (``lower(name)``)
    as is, anything else without the parentheses Postgres puts around it; None when the element holds
    more than the expression (a ``COLLATE`` or an operator class after it)."""
    if not element.endswith(")"):
        return None
    if element.startswith("("):
        return element[1:-1] if _closing(element, 0) == len(element) - 1 else None
    m = re.match(r'^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"))*\(',
                 element)
    if m and _closing(element, m.end() - 1) == len(element) - 1:
        return element
    return None


def key_data(strategy: str, columns: list[str], definition: str) -> tuple[dict[str, Any] | None, str]:
    """``partition_by`` of a key, or None and why the language cannot state it. Each element is a
    column (``columns``: its name, or '' for an expression) or an expression; the spec writes a column
    quoted and an expression in parentheses, so Postgres's text of each must be exactly that (an
    operator class or a collation after it is not stated by the language)."""
    elements = split_key(definition)
    stated: list[str | dict[str, str]] = []
    if len(elements) == len(columns):
        for column, element in zip(columns, elements, strict=True):
            if column:
                if element != quote_ident(column):
                    break
                stated.append(column)
            elif (expression := key_expression(element)) is not None:
                stated.append({"expression": expression})
            else:
                break
        else:
            return {"strategy": STRATEGIES[strategy], "columns": stated}, ""
    return None, f"partition key {definition}: an operator class or collation in the key"


def bound_datum(value: BoundValue, limits: bool = False) -> str | int:
    """One value of a bound as the spec writes it (Postgres casts the literal to the key's type); in a
    range bound (``limits``), MINVALUE and MAXVALUE as the words the spec takes for them."""
    if value.kind == "literal" and value.value is not None:
        if limits and value.value in ("MINVALUE", "MAXVALUE"):
            raise Unstatable(f"the value '{value.value}' (the spec reads it as the keyword)")
        return value.value
    if value.kind == "null":
        raise Unstatable("a NULL bound value")
    if value.kind in ("minvalue", "maxvalue") and limits:
        return value.kind.upper()
    raise Unstatable("a bound value the spec cannot write")


def bound_data(strategy: str, bound: str) -> dict[str, Any]:
    """``FOR VALUES …`` / ``DEFAULT`` as Postgres prints it → the spec's ``values`` (or ``default``);
    :class:`Unstatable` for what the language cannot state."""
    b = partition_bound(bound)
    if b.default:
        return {"default": True}

    def one(values: tuple[BoundValue, ...]) -> Any:
        out = [bound_datum(v, limits=True) for v in values]
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
    out, its partitions with it). A partition partitioned in turn carries its own ``partition_by`` and
    ``partitions``, at any depth. Records in ``cat.partitions`` every partition seen, so that what is
    declared on one is reported as such."""
    rels = [t["oid"] for t in parents]
    if not rels:
        return {}
    rows = cat.rows(PARTITIONS, {"rels": rels})
    for r in rows:
        cat.partitions[(r["schema"], r["name"])] = qualified(r["parent_schema"], r["parent_name"])
    subs = [r["oid"] for r in rows if r["kind"] == "p"]
    keys = {k["rel"]: k for k in cat.rows(KEYS, {"rels": rels + subs})}
    nodes: dict[int, dict[str, Any]] = {t["oid"]: t for t in parents} | {r["oid"]: r for r in rows}
    children: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        children.setdefault(r["parent"], []).append(r)
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

    def level(oid: int, key: dict[str, Any]) -> Partitioning:
        """The partitions of ``oid`` (partitioned by ``key``), each partitioned one with its own."""
        parent = nodes[oid]
        pname = qualified(parent["schema"], parent["name"])
        found: list[dict[str, Any]] = []
        for r in children.get(oid, []):
            name = qualified(r["schema"], r["name"])
            if r["kind"] not in ("r", "p"):
                cat.skip("partition", name, f"of {pname}, a foreign table")
                continue
            if r["schema"] != r["parent_schema"]:
                cat.skip("partition", name, f"of {pname}, in another schema than its table")
                continue
            try:
                data = {"name": r["name"], **bound_data(keys[oid]["strategy"], r["bound"])}
            except Unstatable as exc:
                cat.skip("partition", name, f"of {pname}, {r['bound']}: {exc}")
                continue
            if r["kind"] == "p":
                k = keys[r["oid"]]
                by, why = key_data(k["strategy"], list(k["columns"]), k["def"])
                if by is None:
                    cat.skip("partition", name, f"of {pname}, itself partitioned: {why}; left out with its "
                                                "partitions")
                    continue
                sub = level(r["oid"], by)
                data |= {"partition_by": sub.partition_by, "partitions": sub.partitions}
            _own_objects(cat, r, parent, name, columns, own.get(r["oid"], []), inherited_identity)
            found.append(data)
        found.sort(key=lambda p: (bool(p.get("default")), p["name"]))
        k = keys[oid]
        monthly = None
        if k["strategy"] == "r" and len(k["columns"]) == 1 and not any("partition_by" in p for p in found):
            monthly = monthly_form(parent["name"], k["types"][0], found)
        return Partitioning(key, monthly or found)

    out: dict[int, Partitioning | None] = {}
    for oid in rels:
        t, k = nodes[oid], keys[oid]
        key, why = key_data(k["strategy"], list(k["columns"]), k["def"])
        if key is None:
            cat.skip("table", qualified(t["schema"], t["name"]), f"{why}; left out with its partitions")
        out[oid] = None if key is None else level(oid, key)
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
