"""The spec's fixtures checked against the model and resolved into SQL values.

Used by the seed-data file and by anything else that needs the test rows (policy tests take their
actors from here: a fixture user's ``auth_id`` is the ``sub`` to impersonate). Every row has a
known primary key: given in the spec, or derived from the row's key when the primary key is one
uuid column, so ids are the same on every machine and every run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, SpecError
from ..kinds import Kind
from ..quoting import quote_literal
from ..spec import LoadedSpec
from .ids import ObjectId
from .model import Column, ForeignKeyIR, KeyConstraint, Model, TableIR
from .sql import expression_refs

#: Namespace of every derived uuid: ``uuid5(NAMESPACE, "public.users/acme_owner")`` for a row's
#: primary key, ``uuid5(NAMESPACE, name)`` for ``{uuid: name}``.
NAMESPACE = uuid.UUID("6f1c2b1e-3d0a-5a8e-9c4b-7d2e5f60a1b3")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\Z")
_JSON_TYPES = ("json", "jsonb")


#: Supabase's ``auth.users`` as fixtures see it: an external table (the spec does not declare it) whose
#: rows a seed may insert, so that ``profiles.id → auth.users(id)`` can be seeded. Only the columns
#: both Supabase and verify's stand-in (generator/verify/supabase_standin.sql) have.
AUTH_USERS = TableIR(
    id=ObjectId(Kind.TABLE, "auth", "users"), migration=0,
    columns=(Column(name="id", type="uuid", nullable=False), Column(name="email", type="text"),
             Column(name="raw_user_meta_data", type="jsonb"), Column(name="created_at", type="timestamptz")),
    primary_key=KeyConstraint(name="users_pkey", columns=("id",)),
)

#: Supabase Storage's ``storage.buckets`` as fixtures see it: bucket rows are seed data (a bucket's
#: ``id`` is its text key, given explicitly; ``public`` serves its files by URL). Only the columns
#: both Supabase and verify's stand-in have.
STORAGE_BUCKETS = TableIR(
    id=ObjectId(Kind.TABLE, "storage", "buckets"), migration=0,
    columns=(Column(name="id", type="text", nullable=False), Column(name="name", type="text", nullable=False),
             Column(name="public", type="boolean"), Column(name="file_size_limit", type="bigint"),
             Column(name="allowed_mime_types", type="text[]")),
    primary_key=KeyConstraint(name="buckets_pkey", columns=("id",)),
)

#: Tables the spec does not declare that still take fixture rows, by qualified name.
EXTERNAL_FIXTURE_TABLES = {t.id.qualified: t for t in (AUTH_USERS, STORAGE_BUCKETS)}


def derived_uuid(name: str) -> str:
    """The deterministic uuid of ``name`` (what ``{uuid: name}`` stands for)."""
    return str(uuid.uuid5(NAMESPACE, name))


def row_uuid(table: ObjectId, key: str) -> str:
    """The primary key a fixture row of ``table`` gets when the spec does not give one."""
    return derived_uuid(f"{table.schema}.{table.name}/{key}")


@dataclass(frozen=True, slots=True)
class Expression:
    """A ``{sql: …}`` value: SQL inserted as written; its value is only known to the database."""

    sql: str


@dataclass(frozen=True, slots=True)
class FixtureRow:
    """One resolved row: ``sql`` holds each given column's SQL text, ``values`` its plain value."""

    key: str
    values: Mapping[str, Any]
    sql: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class FixtureTable:
    """The rows of one table; ``columns`` are those any row gives, in the table's column order."""

    table: TableIR
    rows: tuple[FixtureRow, ...]
    columns: tuple[str, ...]
    #: A row gives an ``identity: always`` column: the INSERT needs ``OVERRIDING SYSTEM VALUE``.
    overriding: bool = False
    #: Given columns backed by a sequence (identity or serial): advanced past the seeded ids after
    #: the INSERT, so the first insert that takes the default does not collide with a fixture row.
    sequences: tuple[str, ...] = ()

    @property
    def primary_key(self) -> tuple[str, ...]:
        assert self.table.primary_key is not None
        return self.table.primary_key.columns

    def key_values(self) -> list[tuple[str, ...]]:
        """The primary key of every row, as SQL literals (identifies the test rows)."""
        return [tuple(r.sql[c] for c in self.primary_key) for r in self.rows]


@dataclass(frozen=True, slots=True)
class FixtureSet:
    """Every fixture table, parents before children (insert order)."""

    tables: tuple[FixtureTable, ...]

    def __bool__(self) -> bool:
        return bool(self.tables)

    def table(self, name: str, schema: str = "public") -> FixtureTable | None:
        """The fixtures of table ``schema.name``, if any."""
        return next((t for t in self.tables if t.table.id.name == name and t.table.id.schema == schema), None)

    def row(self, table: str, key: str, schema: str = "public") -> FixtureRow | None:
        """Row ``key`` of table ``schema.table`` (e.g. a policy test's actor), if declared."""
        t = self.table(table, schema)
        return next((r for r in t.rows if r.key == key), None) if t else None

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)


EMPTY = FixtureSet(())


class _Resolver:
    def __init__(self, model: Model, loaded: LoadedSpec) -> None:
        self.model = model
        self.loaded = loaded
        self.problems: list[Problem] = []
        self.keys: dict[ObjectId, dict[str, dict[str, Any]]] = {}  # table → key → pk column → value
        self.raw: dict[ObjectId, dict[str, dict[str, Any]]] = {}  # table → key → column → value as written

    def error(self, path: tuple[Any, ...], message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.problems.append(Problem(self.loaded.pos(path, key=key), message, hint))

    def find_table(self, name: str, path: tuple[Any, ...]) -> TableIR | None:
        schema, _, rel = name.rpartition(".")
        table = self.model.objects.get(ObjectId(Kind.TABLE, schema or "public", rel))
        if table is None:
            table = EXTERNAL_FIXTURE_TABLES.get(f"{schema or 'public'}.{rel}")
        if not isinstance(table, TableIR):
            known = ", ".join(sorted([t.id.qualified for t in self.model.of_kind(Kind.TABLE)]
                                     + list(EXTERNAL_FIXTURE_TABLES)))
            self.error(path, f"fixtures: unknown table {name!r}", f"known tables: {known}", key=True)
            return None
        if table.primary_key is None:
            self.error(path, f"fixtures: table {name!r} has no primary key",
                       "fixture rows are identified (and removed before seeding again) by their primary key",
                       key=True)
            return None
        return table

    def primary_keys(self, table: TableIR, rows: dict[str, Any], path: tuple[Any, ...]) -> None:
        """Assign every row its primary key: given, or derived from its key for one uuid column."""
        assert table.primary_key is not None
        pk = table.primary_key.columns
        out: dict[str, dict[str, Any]] = {}
        for key, row in rows.items():
            values: dict[str, Any] = {}
            for col in pk:
                given = row.get(col)
                if isinstance(given, dict) and set(given) == {"uuid"}:
                    values[col] = derived_uuid(str(given["uuid"]))
                elif given is not None and not isinstance(given, dict | list):
                    values[col] = _plain(given)
                elif len(pk) == 1 and (c := table.column(col)) is not None and c.type.lower() == "uuid":
                    values[col] = row_uuid(table.id, key)
                else:
                    self.error(path + (key,), f"fixture row {key!r} of {table.id.qualified} needs a plain value "
                                              f"for primary key column {col!r}", key=True)
            out[key] = values
        self.keys[table.id] = out
        self.raw[table.id] = {k: r for k, r in rows.items() if isinstance(r, dict)}

    def target_value(self, target: ObjectId, key: str, col: str) -> Any:
        """The plain value of column ``col`` of fixture row ``key`` of ``target``, or None if not plain."""
        if col in self.keys[target].get(key, {}):
            return self.keys[target][key][col]
        given = self.raw.get(target, {}).get(key, {}).get(col)
        if isinstance(given, dict) and set(given) == {"uuid"} and given["uuid"] is not None:
            return derived_uuid(str(given["uuid"]))
        if given is None or isinstance(given, dict | list):
            return None
        return _plain(given)

    def value(self, table: TableIR, col: str, raw: Any, fks: dict[str, tuple[ForeignKeyIR, int]],
              path: tuple[Any, ...]) -> tuple[Any, str] | None:
        """(plain value, SQL text) of one cell, or None after reporting a problem."""
        column = table.column(col)
        assert column is not None
        ctype = column.type.lower()
        if ctype in _JSON_TYPES:
            text = json.dumps(raw, ensure_ascii=False, default=_json_default)
            return raw, f"{quote_literal(text)}::{ctype}"
        if isinstance(raw, dict):
            if set(raw) == {"sql"} and isinstance(raw["sql"], str):
                refs = expression_refs(raw["sql"])
                if refs.error:
                    self.error(path + ("sql",), refs.error)
                    return None
                return Expression(raw["sql"]), f"({raw['sql'].strip()})"
            if set(raw) == {"uuid"} and raw["uuid"] is not None:
                derived = derived_uuid(str(raw["uuid"]))
                return derived, quote_literal(derived)
            self.error(path, "a mapping value is {sql: <expression>} or {uuid: <name>} "
                             "(only json/jsonb columns take any YAML value)")
            return None
        if isinstance(raw, list):
            if not ctype.endswith("[]"):
                self.error(path, f"a list is only a value for an array column ({col!r} is {column.type})")
                return None
            items = [quote_literal(_plain(v)) for v in raw]
            return raw, f"ARRAY[{', '.join(items)}]::{column.type}"
        fk, at = fks.get(col, (None, 0))
        if fk is not None and isinstance(raw, str) and fk.target in self.keys:
            target_keys = self.keys[fk.target]
            if raw in target_keys:
                value = self.target_value(fk.target, raw, fk.target_columns[at])
                if value is None:
                    self.error(path, f"row {raw!r} of {fk.target.qualified} has no plain value for "
                                     f"{fk.target_columns[at]!r}")
                    return None
                return value, quote_literal(value)
            if not (ctype == "uuid" and _UUID.match(raw)):
                known = ", ".join(target_keys) or "none"
                self.error(path, f"no fixture row {raw!r} in {fk.target.qualified} (foreign key {col!r})",
                           f"rows of {fk.target.qualified}: {known}")
                return None
        if ctype == "uuid" and isinstance(raw, str) and not _UUID.match(raw):
            self.error(path, f"{raw!r} is not a uuid (column {col!r})",
                       "write a uuid, {uuid: <name>} for a derived one, or the key of a row it references")
            return None
        plain = _plain(raw)
        return plain, quote_literal(plain)

    def table_rows(self, table: TableIR, rows: dict[str, Any], path: tuple[Any, ...]) -> FixtureTable:
        # every column of a foreign key (composite ones too) → the key and the column's place in it
        fks: dict[str, tuple[ForeignKeyIR, int]] = {}
        for fk in self.model.children(table.id, Kind.CONSTRAINT):
            if isinstance(fk, ForeignKeyIR):
                for at, c in enumerate(fk.columns):
                    fks.setdefault(c, (fk, at))
        out: list[FixtureRow] = []
        used: set[str] = set()
        for key, row in rows.items():
            rp = path + (key,)
            values: dict[str, Any] = {}
            sql: dict[str, str] = {}
            for col, pk_value in self.keys.get(table.id, {}).get(key, {}).items():
                values[col], sql[col] = pk_value, quote_literal(pk_value)
            for col, raw in row.items():
                column = table.column(col)
                if column is None:
                    known = ", ".join(c.name for c in table.columns)
                    self.error(rp + (col,), f"unknown column {col!r} of {table.id.qualified}",
                               f"columns: {known}", key=True)
                    continue
                if column.generated:
                    self.error(rp + (col,), f"column {col!r} is generated and cannot be given a value", key=True)
                    continue
                resolved = self.value(table, col, raw, fks, rp + (col,))
                if resolved is not None:
                    values[col], sql[col] = resolved
            pk = set(table.primary_key.columns) if table.primary_key else set()  # reported by primary_keys()
            missing = [c.name for c in table.columns if not c.nullable and c.default is None and not c.identity
                       and not c.generated and c.name not in sql and c.name not in pk]
            if missing:
                self.error(rp, f"fixture row {key!r} of {table.id.qualified} gives no value for "
                               f"{', '.join(repr(m) for m in missing)} (NOT NULL, no default): the seed would fail",
                           f"add {', '.join(f'{m}: …' for m in missing)} to the row", key=True)
            used.update(sql)
            out.append(FixtureRow(key, values, sql))
        given = [c for c in table.columns if c.name in used]
        return FixtureTable(table, tuple(out), tuple(c.name for c in given),
                            overriding=any(c.identity == "always" for c in given),
                            sequences=tuple(c.name for c in given if _has_sequence(c)))

    def resolve(self) -> FixtureSet:
        fixtures = self.loaded.spec.fixtures
        if fixtures is None:
            return EMPTY
        found: list[tuple[TableIR, dict[str, Any], tuple[Any, ...]]] = []
        seen: dict[ObjectId, str] = {}
        for name, rows in fixtures.rows().items():
            path = ("fixtures", name)
            table = self.find_table(name, path)
            if table is None:
                continue
            if table.id in seen:
                self.error(path, f"fixtures: {name!r} names the same table as {seen[table.id]!r}", key=True)
                continue
            seen[table.id] = name
            self.primary_keys(table, rows, path)
            found.append((table, rows, path))
        self._key_references([t for t, _, _ in found])
        tables = {t.id: self.table_rows(t, rows, path) for t, rows, path in found}
        return FixtureSet(tuple(tables[i] for i in self._insert_order(list(tables))))

    def _key_references(self, tables: list[TableIR]) -> None:
        """Primary key columns that are foreign keys naming a fixture row (``profiles.id: alice``
        for ``auth.users`` row ``alice``) take that row's value, so their own children resolve too."""
        for _ in range(len(tables)):  # a chain of such keys settles in as many passes as tables
            changed = False
            for table in tables:
                for fk in self.model.children(table.id, Kind.CONSTRAINT):
                    if not isinstance(fk, ForeignKeyIR) or fk.target not in self.keys:
                        continue
                    for values in self.keys[table.id].values():
                        for col, target_col in zip(fk.columns, fk.target_columns, strict=True):
                            raw = values.get(col)
                            if isinstance(raw, str) and raw in self.keys[fk.target]:
                                value = self.target_value(fk.target, raw, target_col)
                                if value is not None and value != raw:
                                    values[col], changed = value, True
            if not changed:
                return

    def _insert_order(self, ids: list[ObjectId]) -> list[ObjectId]:
        """Referenced tables first; otherwise spec order (a cycle falls back to spec order)."""
        parents = {i: {fk.target for fk in self.model.children(i, Kind.CONSTRAINT)
                       if isinstance(fk, ForeignKeyIR) and fk.target in ids and fk.target != i} for i in ids}
        order: list[ObjectId] = []
        while len(order) < len(ids):
            ready = [i for i in ids if i not in order and parents[i] <= set(order)]
            order.append(ready[0] if ready else next(i for i in ids if i not in order))
        return order


_SERIAL = ("smallserial", "serial2", "serial", "serial4", "bigserial", "serial8")
_NEXTVAL = re.compile(r"(pg_catalog\.)?nextval\s*\(", re.IGNORECASE)


def _has_sequence(column: Column) -> bool:
    """True for an identity, serial or ``nextval(…)``-defaulted column (its sequence needs advancing)."""
    return bool(column.identity or column.type.lower() in _SERIAL
                or (column.default and _NEXTVAL.match(column.default.strip())))


def _plain(value: Any) -> Any:
    """A YAML scalar as a value quote_literal understands (dates and times as ISO text)."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def resolve_fixtures(model: Model, loaded: LoadedSpec) -> FixtureSet:
    """The spec's fixtures resolved against ``model``; raises SpecError listing every problem.

    A model made by :func:`generator.ir.build` holds them already (checked by build)."""
    if model.sections is not None:
        return model.sections.fixtures
    fixtures, problems = collect_fixtures(model, loaded)
    if problems:
        raise SpecError(problems)
    return fixtures


def collect_fixtures(model: Model, loaded: LoadedSpec) -> tuple[FixtureSet, list[Problem]]:
    """The spec's fixtures resolved against ``model`` and every problem found (build's step)."""
    resolver = _Resolver(model, loaded)
    fixtures = resolver.resolve()
    return fixtures, resolver.problems
