"""A small, editable schema model for the property-based evolution tests, rendered to schema.yaml.

Objects refer to columns by a stable key, not by name, so a rename is one field and every SQL
text that names the column (checks, policies, indexes, views, generated columns, grants,
triggers, functions) follows it when the spec is rendered. Each edit keeps the spec valid the
way a user would: dropping a column also drops or rewrites what names it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import yaml

NUMERIC = ("smallint", "integer", "bigint", "numeric(10,2)", "numeric(12,2)", "numeric")
TEXTUAL = ("text", "varchar(20)", "varchar(40)")
OTHER = ("boolean", "timestamptz")
#: a column of this type is of the spec's domain (over numeric), whatever the domain is called now
DOMAIN = "amount"
#: Widening retypes a user makes (the planner must carry dependents across them).
WIDEN = {"smallint": ("integer", "bigint"), "integer": ("bigint", "numeric"), "bigint": ("numeric",),
         "numeric(10,2)": ("numeric(12,2)", "numeric"), "varchar(20)": ("varchar(40)", "text"),
         "varchar(40)": ("text",)}


def family(t: str) -> str:
    if t in NUMERIC:
        return "num"
    if t in TEXTUAL:
        return "text"
    if t.startswith("mood"):
        return "enum"
    if t == DOMAIN:
        return "num"
    return t


@dataclass
class Col:
    key: int
    name: str
    type: str
    nullable: bool = True
    gen_of: int | None = None  # a STORED generated column: (source * 2)
    renamed_from: str | None = None
    unique: bool = False
    serial: bool = False  # integer/bigint written as serial/bigserial (its own sequence)
    storage: str | None = None  # text columns: SET STORAGE
    compression: str | None = None  # text columns: COMPRESSION


@dataclass
class Seq:
    """A free-standing sequence; its options keep a never-used sequence's value (1 or 50) within
    every later bound (``ALTER SEQUENCE`` does not move it)."""

    name: str
    type: str = "bigint"
    increment: int = 1
    minvalue: int | None = None
    maxvalue: int | None = None
    start: int | None = None
    cache: int = 1
    cycle: bool = False


@dataclass
class Table:
    key: int
    name: str
    cols: list[Col]
    checks: list[tuple[str, int, int]] = field(default_factory=list)  # (name, column key, bound)
    indexes: list[tuple[str, str, int]] = field(default_factory=list)  # (name, plain|lower|partial, column key)
    policies: list[tuple[str, int | None, int]] = field(default_factory=list)  # (name, column key, bound)
    triggers: list[tuple[str, int | None]] = field(default_factory=list)  # (name, update-of column key)
    grant_cols: list[int] = field(default_factory=list)  # UPDATE (cols) TO authenticated
    excludes: list[tuple[str, int, bool]] = field(default_factory=list)  # (name, column key, partial)
    #: constraint triggers: (name, key of the table named by `from:`, or None)
    ctriggers: list[tuple[str, int | None]] = field(default_factory=list)
    #: COMMENT ON CONSTRAINT: check or exclusion constraint name (or "pkey", the primary key) → text
    comments: dict[str, str] = field(default_factory=dict)
    renamed_from: str | None = None

    def col(self, key: int) -> Col | None:
        return next((c for c in self.cols if c.key == key), None)


@dataclass
class View:
    name: str
    table: int
    cols: list[int]
    where: int | None
    bound: int = 0
    over: str | None = None  # a view over this view


@dataclass
class Function:
    name: str
    table: int
    col: int | None
    bound: int = 0


@dataclass
class Schema:
    tables: list[Table] = field(default_factory=list)
    enum_values: list[str] = field(default_factory=lambda: ["v0", "v1"])
    views: list[View] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    sequences: list[Seq] = field(default_factory=list)
    next_key: int = 100
    domain_name: str = DOMAIN
    domain_checks: list[tuple[str, int]] = field(default_factory=lambda: [("amount_check", 0)])  # (name, bound)
    domain_not_null: bool = False
    domain_default: bool = False
    domain_renamed_from: str | None = None
    #: the partitioned table plog: its monthly span (first month, month after the last, as offsets
    #: from 2026-01) and whether it has a default partition
    plog_months: list[int] = field(default_factory=lambda: [0, 2])
    plog_default: bool = True
    #: the list-partitioned table pcat: how many of its kinds (a, b, c, d) its first partition (itself
    #: hash-partitioned) takes (the second takes the rest); a change moves the bound of both
    pcat_split: int = 2
    #: privileges.revoke_from: the default (PUBLIC and the API roles) or PUBLIC only (a plain
    #: Postgres spec): the API roles then keep what Supabase's default privileges grant
    revoke_api: bool = True
    #: the composite type's attributes: [name, type, renamed from]; a function takes it as argument
    composite: list[list[Any]] = field(default_factory=lambda: [["x", "integer", None], ["y", "text", None]])
    #: text domains with a collation: [name, collation, renamed from] (a collation cannot change)
    collated_domains: list[list[Any]] = field(default_factory=list)

    def key(self) -> int:
        self.next_key += 1
        return self.next_key

    def table(self, key: int) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def copy(self) -> Schema:
        return copy.deepcopy(self)

    def settle(self) -> None:
        """Forget declared renames once a migration recorded them."""
        self.domain_renamed_from = None
        for a in self.composite:
            a[2] = None
        for d in self.collated_domains:
            d[2] = None
        for t in self.tables:
            t.renamed_from = None
            for c in t.cols:
                c.renamed_from = None


def cond(c: Col, bound: int) -> str:
    """A condition on column ``c`` that stays valid across the column's widening retypes."""
    f = family(c.type)
    if f == "num":
        return f"{c.name} > {bound}"
    if f == "text":
        return f"{c.name} <> 'x{bound}'"
    if f == "enum":
        return f"{c.name} = 'v{bound % 2}'"
    if f == "boolean":
        return c.name if bound % 2 else f"not {c.name}"
    return f"{c.name} < now()"


def check(c: Col, bound: int) -> str:
    f = family(c.type)
    if f == "num":
        return f"{c.name} >= {-bound}"
    if f == "text":
        return f"char_length({c.name}) < {100 + bound}"
    if f == "enum":
        return f"{c.name} <> 'v1' or {c.name} is not null"
    if f == "boolean":
        return f"{c.name} or {c.name} is null"
    return f"{c.name} > '2000-01-{1 + bound % 27:02d}'"


def render(s: Schema) -> str:
    """schema.yaml for the model: one initial migration holding everything."""
    tables, views, functions = [], [], []
    for t in s.tables:
        cols: list[dict[str, Any]] = [{"name": "id", "type": "bigint", "identity": "always", "primary_key": True}]
        for c in t.cols:
            d: dict[str, Any] = {"name": c.name, "type": s.domain_name if c.type == DOMAIN else c.type}
            if c.serial:
                d["type"] = {"integer": "serial", "bigint": "bigserial"}[c.type]
            elif c.gen_of is not None:
                d["generated"] = f"({t.col(c.gen_of).name} * 2)"  # type: ignore[union-attr]
            elif not c.nullable:
                d["nullable"] = False
                d["default"] = {"num": "0", "text": "''", "enum": "'v0'", "boolean": "false"}.get(
                    family(c.type), "now()")
            if c.renamed_from:
                d["renamed_from"] = c.renamed_from
            if c.unique:
                d["unique"] = True
            if c.storage:
                d["storage"] = c.storage
            if c.compression:
                d["compression"] = c.compression
            cols.append(d)
        cols.append({"name": "updated_at", "type": "timestamptz", "nullable": False, "default": "now()"})
        td: dict[str, Any] = {"name": t.name, "rls": {"enable": True}, "columns": cols}
        if t.renamed_from:
            td["renamed_from"] = t.renamed_from
        if "pkey" in t.comments:
            td["primary_key_comment"] = t.comments["pkey"]
        if t.checks:
            td["checks"] = [{"name": n, "expression": check(t.col(k), b)} | _comment(t, n)  # type: ignore[arg-type]
                            for n, k, b in t.checks]
        if t.excludes:  # btree (no extension needed): `c WITH =`, partial ones only for positive ids
            td["exclude"] = [{"name": n, "using": "btree", "elements": [{"column": t.col(k).name, "with": "="}],  # type: ignore[union-attr]
                              **({"where": "id > 0"} if partial else {}), **_comment(t, n)}
                             for n, k, partial in t.excludes]
        if t.indexes:
            out = []
            for n, kind, k in t.indexes:
                c = t.col(k)
                assert c is not None
                if kind == "lower":
                    out.append({"name": n, "columns": [{"expression": f"lower({c.name})"}]})
                elif kind == "partial":  # an index predicate must be immutable: no now()
                    where = cond(c, 0) if family(c.type) != "timestamptz" else f"{c.name} is not null"
                    out.append({"name": n, "columns": ["id"], "where": where})
                else:
                    out.append({"name": n, "columns": [c.name]})
            td["indexes"] = out
        td["policies"] = [{"name": n, "command": "select", "roles": ["authenticated"],
                           "using": cond(t.col(k), b) if k is not None else "true"}  # type: ignore[arg-type]
                          for n, k, b in t.policies]
        trig = []
        for n, k in t.triggers:
            if k is None:
                trig.append({"name": n, "timing": "before", "events": ["update"], "function": "touch"})
            else:
                trig.append({"name": n, "timing": "after", "events": ["update"],
                             "update_of": [t.col(k).name], "function": "audit"})  # type: ignore[union-attr]
        for n, k in t.ctriggers:
            other = s.table(k) if k is not None else None
            trig.append({"name": n, "constraint": True, "timing": "after", "events": ["insert"], "function": "audit",
                         **({"from": other.name} if other is not None else {})})
        if trig:
            td["triggers"] = trig
        grants: list[dict[str, Any]] = [{"privileges": ["select"], "to": ["authenticated"]},
                                        {"privileges": ["all"], "to": ["service_role"]}]
        if t.grant_cols:
            grants.append({"privileges": ["update"], "columns": [t.col(k).name for k in t.grant_cols],  # type: ignore[union-attr]
                           "to": ["authenticated"]})
        td["grants"] = grants
        tables.append(td)
    for v in s.views:
        t = s.table(v.table)
        assert t is not None
        names = ", ".join(["id"] + [t.col(k).name for k in v.cols])  # type: ignore[union-attr]
        where = f" where {cond(t.col(v.where), v.bound)}" if v.where is not None else ""  # type: ignore[arg-type]
        views.append({"name": v.name, "query": f"select {names} from public.{t.name}{where}"})
        if v.over:
            views.append({"name": v.over, "query": f"select id from public.{v.name}"})
    for f in s.functions:
        t = s.table(f.table)
        assert t is not None
        c = t.col(f.col) if f.col is not None else None
        where = f" where {cond(c, f.bound)}" if c is not None else ""
        functions.append({"name": f.name, "returns": "bigint", "volatility": "stable",
                          "body": f"select count(*) from public.{t.name}{where}"})
    enum_tables = [t for t in s.tables if any(family(c.type) == "enum" for c in t.cols)]
    if enum_tables:
        t = enum_tables[0]
        c = next(c for c in t.cols if family(c.type) == "enum")
        functions.append({"name": "by_mood", "returns_table": [{"name": "id", "type": "bigint"},
                                                               {"name": "m", "type": "mood"}],
                          "volatility": "stable", "body": f"select id, {c.name} from public.{t.name}"})
    functions.append({"name": "pt_x", "arguments": [{"name": "p", "type": "pt"}], "returns": "text",
                      "volatility": "immutable", "body": "select (p).x::text"})
    functions += [
        {"name": "touch", "returns": "trigger", "language": "plpgsql",
         "body": "begin\n  new.updated_at := now();\n  return new;\nend;"},
        {"name": "audit", "returns": "trigger", "language": "plpgsql", "body": "begin\n  return new;\nend;"},
    ]
    domain: dict[str, Any] = {"name": s.domain_name, "type": "numeric(12,2)", "not_null": s.domain_not_null,
                              "checks": [{"name": n, "expression": f"VALUE >= {-100 - b}"} for n, b in s.domain_checks]}
    if s.domain_default:
        domain["default"] = "0"
    if s.domain_renamed_from:
        domain["renamed_from"] = s.domain_renamed_from
    domains = [domain] + [{"name": n, "type": "text", "collation": c, **({"renamed_from": r} if r else {})}
                          for n, c, r in s.collated_domains]
    def month(offset: int) -> str:
        return f"{2026 + offset // 12}-{offset % 12 + 1:02d}"

    tables.append({"name": "plog", "rls": {"enable": True}, "primary_key": ["id", "at"],
                   "columns": [{"name": "id", "type": "bigint", "identity": "always"},
                               {"name": "at", "type": "timestamptz", "nullable": False, "default": "now()"}],
                   "partition_by": {"strategy": "range", "columns": ["at"]},
                   "partitions": {"monthly": {"from": month(s.plog_months[0]), "to": month(s.plog_months[1])},
                                  "default": s.plog_default},
                   "grants": [{"privileges": ["select"], "to": ["authenticated"]}]})
    # a foreign key references plog: each of its partitions dropped is detached first (DropPartition)
    tables.append({"name": "plog_ref", "rls": {"enable": True},
                   "columns": [{"name": "id", "type": "bigint", "primary_key": True},
                               {"name": "plog_id", "type": "bigint", "nullable": False},
                               {"name": "plog_at", "type": "timestamptz", "nullable": False}],
                   "foreign_keys": [{"columns": ["plog_id", "plog_at"],
                                     "references": {"table": "plog", "columns": ["id", "at"]}}],
                   "indexes": [{"columns": ["plog_id", "plog_at"]}]})
    kinds = ["a", "b", "c", "d"]
    tables.append({"name": "pcat", "rls": {"enable": True},  # no identity: see MovePartitionBounds's refusal
                   "columns": [{"name": "id", "type": "bigint", "nullable": False},
                               {"name": "kind", "type": "text", "nullable": False}],
                   "partition_by": {"strategy": "list", "columns": ["kind"]},
                   # the first partition is partitioned in turn (by hash): its moves and revokes reach a level down
                   "partitions": [{"name": "pcat_first", "values": {"in": kinds[:s.pcat_split]},
                                   "partition_by": {"strategy": "hash", "columns": ["id"]},
                                   "partitions": [{"name": f"pcat_first_h{r}", "values": {"modulus": 2, "remainder": r}}
                                                  for r in (0, 1)]},
                                  {"name": "pcat_rest", "values": {"in": kinds[s.pcat_split:]}}],
                   "grants": [{"privileges": ["select"], "to": ["authenticated"]}]})
    mig: dict[str, Any] = {"number": 1, "name": "base", "enums": [{"name": "mood", "values": list(s.enum_values)}],
                           "domains": domains, "functions": functions, "tables": tables,
                           "composite_types": [{"name": "pt", "attributes": [
                               {"name": n, "type": t, **({"renamed_from": r} if r else {})}
                               for n, t, r in s.composite]}]}
    if views:
        mig["views"] = views
    if s.sequences:
        mig["sequences"] = [{k: v for k, v in vars(q).items() if v is not None} for q in s.sequences]
    spec = {"project": {"name": "prop"}, "outputs": {"docs": False, "types": False, "seed": False},
            "roles": ["anon", "authenticated", "service_role"], "migrations": [mig]}
    if not s.revoke_api:
        spec["privileges"] = {"revoke_from": ["public"]}
    return yaml.safe_dump(spec, sort_keys=False, width=200)


def drop_column(s: Schema, t: Table, key: int) -> None:
    """Remove a column and, as a user would, what names it."""
    gone = {key} | {c.key for c in t.cols if c.gen_of == key}
    t.cols = [c for c in t.cols if c.key not in gone]
    t.checks = [x for x in t.checks if x[1] not in gone]
    t.indexes = [x for x in t.indexes if x[2] not in gone]
    t.excludes = [x for x in t.excludes if x[1] not in gone]
    t.policies = [(n, None if k in gone else k, b) for n, k, b in t.policies]
    t.triggers = [x for x in t.triggers if x[1] not in gone]
    t.grant_cols = [k for k in t.grant_cols if k not in gone]
    for v in s.views:
        if v.table == t.key:
            v.cols = [k for k in v.cols if k not in gone]
            v.where = None if v.where in gone else v.where
    for f in s.functions:
        if f.table == t.key and f.col in gone:
            f.col = None


def _comment(t: Table, name: str) -> dict[str, str]:
    return {"comment": t.comments[name]} if name in t.comments else {}


def drop_table(s: Schema, t: Table) -> None:
    s.tables.remove(t)
    for other in s.tables:  # a constraint trigger `from:` it goes without
        other.ctriggers = [(n, None if k == t.key else k) for n, k in other.ctriggers]
    s.views = [v for v in s.views if v.table != t.key]
    s.functions = [f for f in s.functions if f.table != t.key]
