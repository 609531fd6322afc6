"""Generated Markdown documentation: README, schema documentation, migration guide, summary.

Python gathers facts from the model (what references what, which policy serves which table, the
statistics); the templates under ``docs/`` hold every sentence. Objects' own words come from
their ``description:`` and ``comment:`` in the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import jinja2

from ..ir.fixtures import resolve_fixtures
from ..ir.ids import ObjectId
from ..ir.model import ForeignKeyIR as Fk
from ..ir.model import (
    FunctionIR,
    IndexIR,
    MaterializedViewIR,
    MigrationInfo,
    Model,
    Obj,
    PolicyIR,
    TableIR,
    TriggerIR,
    ViewIR,
)
from ..ir.sql import expression_refs
from ..kinds import Kind, kind_def, kind_defs, kinds_with_columns
from ..output import GeneratedFile
from ..plan.ops import CreateObject, DropObject, RenameObject
from ..spec import LoadedSpec
from .env import environment
from .exclusion import exclusion_def
from .seed import MARK_TEST_DATABASE, MARKER_SETTING, MARKER_VALUES, SEED_FILE
from .sql import SqlFile, migration_file_names, render_op
from .stats import compute_statistics

#: The documentation files, in the order they are listed; each has ``docs/<name>.j2``.
DOC_FILES = ("README.md", "SCHEMA_DOCUMENTATION.md", "MIGRATION_GUIDE.md", "IMPLEMENTATION_SUMMARY.md")
COMMANDS = ("select", "insert", "update", "delete")
_COMMAND_ORDER = ("all", *COMMANDS)


@dataclass(frozen=True, slots=True)
class MigrationDoc:
    """A migration, its files and what it creates."""

    info: MigrationInfo
    up: str
    down: str
    objects: tuple[Obj, ...]

    def of_kind(self, *kinds: str) -> list[Obj]:
        return [o for o in self.objects if o.id.kind in kinds]

    @property
    def headed(self) -> list[Obj]:
        """The objects SCHEMA_DOCUMENTATION.md gives a heading of their own (so they can be linked)."""
        return [o for o in self.objects if kind_def(o.id.kind).docs_heading]

    @property
    def functions(self) -> list[Obj]:
        return [o for o in self.objects if o.id.kind is Kind.FUNCTION]


@dataclass(frozen=True, slots=True)
class ColumnDoc:
    """A column as documented: its constraints spelled out in SQL words."""

    name: str
    type: str
    nullable: bool
    default: str | None
    constraints: tuple[str, ...]
    comment: str | None


@dataclass(frozen=True, slots=True)
class RelationDoc:
    """A table, view or materialized view with everything that hangs off it."""

    obj: Obj
    migration: MigrationInfo
    columns: tuple[ColumnDoc, ...]
    constraints: tuple[tuple[str, str, str | None], ...]  # (name, definition, comment)
    foreign_keys: tuple[Fk, ...]
    referenced_by: tuple[Fk, ...]
    indexes: tuple[IndexIR, ...]
    policies: tuple[PolicyIR, ...]
    triggers: tuple[TriggerIR, ...]

    @property
    def kind(self) -> str:
        return self.obj.id.kind

    def policies_for(self, command: str) -> list[PolicyIR]:
        return _policies_for(self.policies, command)


def _policy_order(p: PolicyIR) -> tuple[int, str]:
    """Policies listed by command (select, insert, update, delete, all), then name."""
    return _COMMAND_ORDER.index(p.command), p.id.name


def _policies_for(policies: tuple[PolicyIR, ...], command: str) -> list[PolicyIR]:
    """The ``policies`` that apply to ``command`` (``all`` policies apply to every command)."""
    return [p for p in policies if p.command in (command, "all")]


@dataclass(frozen=True)
class ExternalPoliciesDoc:
    """The policies the migrations put on a table they do not create (``storage.objects``)."""

    on: ObjectId
    policies: tuple[PolicyIR, ...]

    def policies_for(self, command: str) -> list[PolicyIR]:
        return _policies_for(self.policies, command)


def created_in(model: Model, sql_files: list[SqlFile]) -> dict[ObjectId, int]:
    """The migration that creates each object of ``model``: the last migration whose file creates
    it (renames followed), read from the migration files' operations.

    An object is written under one of the spec's ``migrations:`` blocks (``obj.migration``), but a
    migration recorded by ``schemagen migrate`` has no block of its own: what it adds is written
    under an earlier block, and only the plan from the history says where it was really created.
    An object no file creates by itself (e.g. part of its table's CREATE) keeps its block's number."""
    ups = {f.name: f for f in sql_files}
    seen: dict[ObjectId, int] = {}
    for info in model.migrations:
        up = ups.get(migration_file_names(info)[0])
        for seg in up.segments if up else ():
            op = seg.op
            if isinstance(op, CreateObject):
                seen[op.obj.id] = info.number
            elif isinstance(op, DropObject):
                seen.pop(op.obj.id, None)
            elif isinstance(op, RenameObject) and op.old.id in seen:
                seen[op.obj.id] = seen.pop(op.old.id)
    return {oid: seen.get(oid, obj.migration) for oid, obj in model.objects.items()}


class _Docs:
    def __init__(self, model: Model, env: jinja2.Environment, created: dict[ObjectId, int]) -> None:
        self.model = model
        self.env = env
        self.created = created
        self.infos = {i.number: i for i in model.migrations}
        self.fks: list[Fk] = [o for o in model.of_kind(Kind.CONSTRAINT) if isinstance(o, Fk)]
        self.referenced_by: dict[ObjectId, list[Fk]] = {}
        for fk in self.fks:
            self.referenced_by.setdefault(fk.target, []).append(fk)

    def create_sql(self, obj: Obj) -> str:
        """The statements that create ``obj``, exactly as in its migration."""
        return render_op(self.env, CreateObject(obj))

    def column_constraints(self, table: TableIR, name: str) -> tuple[str, ...]:
        out = []
        if table.primary_key and name in table.primary_key.columns:
            out.append("PRIMARY KEY" if len(table.primary_key.columns) == 1 else "part of PRIMARY KEY")
        out += ["UNIQUE" for u in table.uniques if u.columns == (name,)]
        for fk in self.model.children(table.id, Kind.CONSTRAINT):
            if isinstance(fk, Fk) and fk.columns == (name,):
                out.append(f"REFERENCES {fk.target.qualified}({', '.join(fk.target_columns)})"
                           + (f" ON DELETE {fk.on_delete.upper()}" if fk.on_delete != "no action" else ""))
        out += [f"CHECK ({c.expression})" for c in table.checks
                if expression_refs(c.expression).columns == frozenset({name})]
        return tuple(out)

    def table_constraints(self, table: TableIR) -> tuple[tuple[str, str, str | None], ...]:
        """Every constraint of a table by name: primary key, uniques, checks, exclusion constraints,
        foreign keys (name, definition, comment)."""
        out: list[tuple[str, str, str | None]] = []
        if table.primary_key:
            pk = table.primary_key
            out.append((pk.name, f"PRIMARY KEY ({', '.join(pk.columns)})", pk.comment))
        for u in table.uniques:
            nnd = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
            out.append((u.name, f"UNIQUE{nnd} ({', '.join(u.columns)})", u.comment))
        out += [(c.name, f"CHECK ({c.expression})", c.comment) for c in table.checks]
        out += [(x.name, exclusion_def(x), x.comment) for x in table.excludes]
        for fk in self.model.children(table.id, Kind.CONSTRAINT):
            if isinstance(fk, Fk):
                actions = "".join(f" ON {what} {act.upper()}" for what, act in
                                  (("DELETE", fk.on_delete), ("UPDATE", fk.on_update)) if act != "no action")
                out.append((fk.id.name, f"FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES "
                                        f"{fk.target.qualified}({', '.join(fk.target_columns)})"
                                        f"{' MATCH FULL' if fk.match == 'full' else ''}{actions}", fk.comment))
        return tuple(out)

    def relation(self, obj: Obj) -> RelationDoc:
        if isinstance(obj, TableIR):
            columns = tuple(ColumnDoc(c.name, c.type, c.nullable, c.default,
                                      self.column_constraints(obj, c.name), c.comment) for c in obj.columns)
            constraints = self.table_constraints(obj)
        else:
            columns, constraints = (), ()
        return RelationDoc(
            obj=obj, migration=self.infos[self.created[obj.id]], columns=columns, constraints=constraints,
            foreign_keys=tuple(fk for fk in self.model.children(obj.id, Kind.CONSTRAINT) if isinstance(fk, Fk)),
            referenced_by=tuple(self.referenced_by.get(obj.id, ())),
            indexes=tuple(i for i in self.model.children(obj.id, Kind.INDEX) if isinstance(i, IndexIR)),
            policies=tuple(sorted((p for p in self.model.children(obj.id, Kind.POLICY) if isinstance(p, PolicyIR)),
                                  key=_policy_order)),
            triggers=tuple(t for t in self.model.children(obj.id, Kind.TRIGGER) if isinstance(t, TriggerIR)),
        )

    def policy_helpers(self) -> list[FunctionIR]:
        """Functions that policies call, directly or through other functions (RLS helpers)."""
        seen: set[ObjectId] = set()
        todo = [d for p in self.model.of_kind(Kind.POLICY) for d in self.model.deps.get(p.id, ())]
        while todo:
            oid = todo.pop()
            if oid.kind is Kind.FUNCTION and oid not in seen and oid in self.model.objects:
                seen.add(oid)
                todo += self.model.deps.get(oid, ())
        return [f for f in self.model.of_kind(Kind.FUNCTION) if f.id in seen and isinstance(f, FunctionIR)]

    def external_policies(self) -> list[ExternalPoliciesDoc]:
        """Policies on tables the spec does not create, per table, in table order."""
        by_table: dict[ObjectId, list[PolicyIR]] = {}
        for p in self.model.of_kind(Kind.POLICY):
            if isinstance(p, PolicyIR) and p.on not in self.model.objects:
                by_table.setdefault(p.on, []).append(p)
        return [ExternalPoliciesDoc(on, tuple(sorted(ps, key=_policy_order)))
                for on, ps in sorted(by_table.items(), key=lambda item: item[0].sort_key)]

    def externals(self) -> list[ObjectId]:
        """Objects the migrations use but do not create (e.g. Supabase's ``auth.uid()``)."""
        found = {d for deps in self.model.deps.values() for d in deps if d not in self.model.objects}
        return sorted(found, key=lambda i: i.sort_key)

    def migrations(self) -> list[MigrationDoc]:
        out = []
        for info in self.model.migrations:
            up, down = migration_file_names(info)
            objects = tuple(self.model.objects[i] for i in self.model.order
                            if self.created[i] == info.number)
            out.append(MigrationDoc(info, up, down, objects))
        return out


def docs_context(model: Model, loaded: LoadedSpec, sql_files: list[SqlFile], files: list[GeneratedFile],
                 env: jinja2.Environment) -> dict[str, Any]:
    """Everything the documentation templates read."""
    created = created_in(model, sql_files)
    d = _Docs(model, env, created)
    migrations = d.migrations()
    ups = [m.up for m in migrations]
    downs = [f.name for f in sql_files if f.name not in ups]
    stats = compute_statistics(model, ups, downs, files, created)
    fixtures = resolve_fixtures(model, loaded) if any(f.name == SEED_FILE for f in files) else None
    actors = []
    if fixtures:
        for t in fixtures.tables:
            if t.table.column("auth_id") is not None:
                actors += [(t, r) for r in t.rows if isinstance(r.values.get("auth_id"), str)]
    relations = {o.id: d.relation(o) for o in _by_migration(model, created, *kinds_with_columns())}
    actor_rows, actor_columns = _actors(model, loaded, actors)
    return {
        "project": model.project,
        "description": model.description,
        "spec_name": PurePath(loaded.source.file).name,
        "migrations": migrations,
        "rollback_all": "rollback_all.sql",
        # each kind under its registry's ``docs_section`` (tables, views, matviews, functions, enums,
        # sequences, schemas, extensions, jobs, raw); a kind with columns as RelationDocs. Kinds with
        # headings of their own are listed in the order a reader meets them, the others as created.
        **{k.docs_section: [relations.get(o.id, o) for o in
                            (_by_migration(model, created, k.kind) if k.docs_heading else model.of_kind(k.kind))]
           for k in kind_defs() if k.docs_section},
        "relations": list(relations.values()),
        "foreign_keys": d.fks,
        "helpers": d.policy_helpers(),
        "external_policies": d.external_policies(),
        "externals": d.externals(),
        "managed_schemas": sorted({o.id.schema for o in model.objects.values() if o.id.schema}
                                  | {o.id.name for o in model.of_kind(Kind.SCHEMA)}),
        "stats": stats,
        "files": [f.name for f in files] + list(DOC_FILES),
        "doc_files": DOC_FILES,
        "other_files": [f.name for f in files if f.name not in ups + downs and f.name != SEED_FILE],
        "typescript": next((f.name for f in files if f.name.endswith(".ts")), None),
        "seed": fixtures and {"file": SEED_FILE, "fixtures": fixtures, "actors": actor_rows,
                              "marker": MARKER_SETTING, "marker_values": MARKER_VALUES,
                              "mark_sql": MARK_TEST_DATABASE},
        "commands": COMMANDS,
        "roles": list(loaded.spec.roles),
        "min_pg_version": _min_pg_version(model),
        "actor_columns": actor_columns,
        "model_objects": model.objects,
        "migration_files": {m.info.number: m.up for m in migrations},
        # migrations recorded by `schemagen migrate`: no block of the spec says what they are for
        "recorded": {i.number for i in model.migrations} - {m.number for m in loaded.spec.migrations},
        "migration_tags": {i.number: i.tag for i in model.migrations},
        "created_in": created,
        "create_sql": d.create_sql,
        "is_view": lambda o: isinstance(o, ViewIR),
        "is_matview": lambda o: isinstance(o, MaterializedViewIR),
    }


def _actors(model: Model, loaded: LoadedSpec, actors: list[Any]) -> tuple[list[Any], list[str]]:
    """Fixture rows with an ``auth_id`` (users to impersonate) and the plain columns worth showing.

    A shown value is as written in the spec (a foreign key shows the key of the row it references).
    """
    raw = loaded.spec.fixtures.rows() if loaded.spec.fixtures else {}
    by_table = {ObjectId(Kind.TABLE, *(n.rpartition(".")[0] or "public", n.rpartition(".")[2])): rows
                for n, rows in raw.items()}
    out, columns = [], []
    for t, r in actors:
        spec_row = by_table.get(t.table.id, {}).get(r.key, {})
        pk = t.primary_key
        shown = {c: v for c, v in spec_row.items()
                 if c not in pk and c != "auth_id" and not isinstance(v, dict | list)
                 and (col := t.table.column(c)) is not None and col.type.lower() not in ("json", "jsonb")}
        shown = {c: (str(v).lower() if isinstance(v, bool) else v) for c, v in shown.items()}
        columns += [c for c in shown if c not in columns]
        out.append((t, r, shown))
    order = [c.name for c in actors[0][0].table.columns] if actors else []
    return out, sorted(columns, key=order.index)


def _by_migration(model: Model, created: dict[ObjectId, int], *kinds: str) -> list[Obj]:
    """Objects of ``kinds`` in the order a reader meets them: by the migration that creates them
    (:func:`created_in`), then creation order."""
    return sorted(model.of_kind(*kinds), key=lambda o: created[o.id])


def _min_pg_version(model: Model) -> int:
    """The oldest Postgres that runs the migrations: 15 for security_invoker views and NULLS NOT DISTINCT."""
    for o in model.objects.values():
        if isinstance(o, ViewIR) and o.security_invoker:
            return 15
        if isinstance(o, IndexIR) and o.nulls_not_distinct:
            return 15
        if isinstance(o, TableIR) and any(u.nulls_not_distinct for u in o.uniques):
            return 15
    return 13


def render_docs(model: Model, loaded: LoadedSpec, sql_files: list[SqlFile], *,
                templates: str | None = None, files: list[GeneratedFile] | None = None) -> list[GeneratedFile]:
    """The documentation files for ``model``; ``files`` are the other generated files (listed, counted)."""
    env = environment(templates)
    context = docs_context(model, loaded, sql_files, list(files or []), env)
    out = []
    for name in DOC_FILES:
        text = env.get_template(f"docs/{name}.j2").render(file_name=name, **context)
        out.append(GeneratedFile(name, text.rstrip("\n") + "\n"))
    return out
