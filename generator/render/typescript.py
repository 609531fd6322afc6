"""database.types.ts in the shape of Supabase's generator, plus typed JSONB.

The reference is the typegen that ``supabase gen types typescript`` runs: postgres-meta 0.99.0
(``@supabase/postgrest-typegen``'s ``generateTypescript`` fed by its catalog queries). Every rule
below names the part of that code it mirrors; ``tests/test_types_ts.py`` proves with the
TypeScript compiler that our ``Database`` and theirs are mutually assignable.

Python decides every type and key here; ``templates/ts/database.types.ts.j2`` only lays them out.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import Problem, SpecError
from ..ir.ids import ObjectId
from ..ir.model import EnumIR, ForeignKeyIR, FunctionIR, MaterializedViewIR, Model, TableIR, TriggerIR, ViewIR
from ..ir.partitions import tree
from ..kinds import Kind, kinds_where, kinds_with_columns
from ..kinds.composite_type import CompositeTypeIR
from ..kinds.domain import DomainIR
from ..output import GeneratedFile
from ..spec import LoadedSpec
from ..spec.models import TypesConfig
from .pgtypes import EXTENSION_TYPES, TS_BUILTINS, PgType, parse_type
from .tsshapes import base_name, check_definitions, column_shape, render_definition, ts_key
from .viewcols import ViewColumns, infer_views

FILE_NAME = "database.types.ts"
ARGS_INLINE_WIDTH = 80  # oxfmt's printWidth: Args objects that fit stay on one line
UNNAMED_OK = {"json", "jsonb", "text"}  # postgres-meta VALID_UNNAMED_FUNCTION_ARG_TYPES


@lru_cache(maxsize=65536)
def collate(text: str) -> tuple[Any, ...]:
    """Sort key close to ``Intl.Collator('en')`` (postgres-meta's ``compareStrings``).

    Punctuation before digits before letters, letters case-insensitively first, then lower case first.
    Memoised: column and relation names are compared many times.
    """
    primary, tertiary = [], []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        cls = 3 if ch.isalpha() else 2 if ch.isdigit() else 1
        primary.append((cls, ch.lower()))
        tertiary.append(ch.isupper())
    return (tuple(primary), tuple(tertiary), text)


@dataclass(slots=True)
class Rel:
    """A PostgREST relationship (postgres-meta ``PostgresRelationship``)."""

    fk: str
    schema: str
    relation: str
    columns: list[str]
    one_to_one: bool
    ref_schema: str
    ref_relation: str
    ref_columns: list[str]

    def sort_key(self) -> tuple[Any, ...]:
        return (collate(self.fk), collate(self.ref_relation), collate(json.dumps(self.ref_columns)))

    def as_context(self) -> dict[str, str]:
        return {"fk": _js(self.fk), "columns": _js_list(self.columns), "one_to_one": _bool(self.one_to_one),
                "referenced": _js(self.ref_relation), "referenced_columns": _js_list(self.ref_columns)}


@dataclass(slots=True)
class _Ctx:
    model: Model
    config: TypesConfig
    views: dict[ObjectId, ViewColumns]
    schemas: list[str]
    typed: bool = False
    problems: list[Problem] = field(default_factory=list)

    # -- type mapping (postgres-meta pgTypeToTsType) -----------------------------------------------
    def ts(self, t: PgType, prefer_schema: str) -> str:
        if t.array:
            inner = self.ts(t.element(), prefer_schema)
            return f"({inner})[]" if " | " in inner else f"{inner}[]"  # oxfmt drops needless parens
        if t.name in TS_BUILTINS and (t.schema in (None, "pg_catalog") or t.name in EXTENSION_TYPES):
            return TS_BUILTINS[t.name]  # postgres-meta maps by name: an extension's type in any schema
        schema = t.schema or prefer_schema
        enums = [o for o in self.model.of_kind(Kind.TYPE) if isinstance(o, EnumIR) and o.id.name == t.name]
        if enums:
            e = next((o for o in enums if o.id.schema == schema), None) or next(
                (o for o in enums if o.id.schema == "public"), enums[0])
            if e.id.schema in self.schemas:
                return f"Database[{_js(e.id.schema)}][\"Enums\"][{_js(e.id.name)}]"
            return " | ".join(_js(v) for v in e.values)
        composites = [o for o in self.model.of_kind(Kind.COMPOSITE_TYPE) if o.id.name == t.name]
        if composites:
            c = next((o for o in composites if o.id.schema == schema), composites[0])
            if c.id.schema in self.schemas:
                return f"Database[{_js(c.id.schema)}][\"CompositeTypes\"][{_js(c.id.name)}]"
            return "unknown"
        rels = [o for o in self.model.of_kind(*kinds_with_columns())
                if o.id.name == t.name and o.id.schema in self.schemas]
        if rels:
            r = next((o for o in rels if o.id.schema == schema), rels[0])
            kind = "Tables" if isinstance(r, TableIR) else "Views"
            return f"Database[{_js(r.id.schema)}][\"{kind}\"][{_js(r.id.name)}][\"Row\"]"
        return "unknown"

    def column_type(self, t: PgType) -> tuple[PgType, bool]:
        """(type, NOT NULL by its domain) of a relation's column: postgres-meta types a column of a
        domain as the domain's base type (its ``format`` is the base's ``typname``, one level deep)
        and takes it as NOT NULL when the domain is."""
        if t.array:
            return t, False
        found = t.resolve(lambda schema, name: ObjectId(Kind.DOMAIN, schema, name) in self.model.objects)
        domain = self.model.objects.get(ObjectId(Kind.DOMAIN, *found)) if found else None
        if isinstance(domain, DomainIR):
            return parse_type(domain.type), domain.not_null
        return t, False

    def column(self, name: str, ts: str, nullable: bool, optional: bool) -> str:
        """postgres-meta ``generateColumnTsDefinition``."""
        return f"{ts_key(name)}{'?' if optional else ''}: {_nullable(ts, nullable)}"

    def shaped(self, base: str, shape: str | None, t: PgType | None, where: Problem) -> str:
        """In TypedDatabase a json/jsonb column with a ``shape`` gets that type instead of ``Json``."""
        if not self.typed or shape is None or t is None:
            return base
        text = column_shape(shape, self.config.definitions)
        if text is None:
            self.problems.append(Problem(where.pos, f"{where.message}: unknown shape {shape!r}",
                                         "define it under `types.definitions`"))
            return base
        if t.name not in ("json", "jsonb"):
            self.problems.append(Problem(where.pos, f"{where.message}: `shape` needs a json or jsonb column"))
            return base
        return f"({text})[]" if t.array else text


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _js_list(items: list[str]) -> str:
    return "[" + ", ".join(_js(i) for i in items) + "]"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _nullable(ts: str, nullable: bool) -> str:
    """postgres-meta ``generateNullableUnionTsType``: NOT NULL Json is ``NonNullable<Json>``."""
    if ts == "Json" and not nullable:
        return "NonNullable<Json>"
    if ts in ("unknown", "any") or not nullable:
        return ts
    return f"{ts} | null"


# -- tables ------------------------------------------------------------------------------------------
def _table(ctx: _Ctx, t: TableIR, rels: list[Rel], computed: list[str]) -> dict[str, Any]:
    row, insert, update = [], [], []
    for c in sorted(t.columns, key=lambda c: collate(c.name)):
        pt, domain_not_null = ctx.column_type(parse_type(c.type))
        where = Problem(c.pos, f"column {t.id.qualified}.{c.name}")
        ts = ctx.shaped(ctx.ts(pt, t.id.schema), c.shape, pt, where)
        nullable = c.nullable and c.identity is None and not pt.serial and not domain_not_null  # all imply NOT NULL
        row.append(ctx.column(c.name, ts, nullable, False))
        if c.identity == "always" or c.generated:
            insert.append(f"{ts_key(c.name)}?: never")
            update.append(f"{ts_key(c.name)}?: never")
            continue
        optional = nullable or c.identity is not None or c.default is not None or pt.serial
        insert.append(ctx.column(c.name, ts, nullable, optional))
        update.append(ctx.column(c.name, ts, nullable, True))
    return {"key": ts_key(t.id.name), "row_fields": row + computed, "insert_fields": insert, "update_fields": update,
            "relationships": [r.as_context() for r in rels]}


def _with_partitions(tables: list[TableIR]) -> list[TableIR]:
    """``tables`` and, as postgres-meta lists them (every relkind ``r`` or ``p``), each partition: the
    parent's columns under the partition's name, without relationships of its own (postgres-meta
    0.99.0 on PostgreSQL 17+, where a partition inherits its parent's identity columns)."""
    parts = [dataclasses.replace(t, id=ObjectId(Kind.TABLE, t.id.schema, p.name), partitions=())
             for t in tables for _parent, p in tree(t)]  # sub-partitions too
    return sorted(tables + parts, key=lambda o: collate(o.id.name))


# -- views ---------------------------------------------------------------------------------------------
def _view_events(view: ViewIR | MaterializedViewIR, cols: ViewColumns) -> tuple[bool, bool, set[str]]:
    """(insert enabled, update enabled, writable columns): ``pg_relation_is_updatable(oid, true)``."""
    if isinstance(view, MaterializedViewIR):
        return False, False, set()
    return cols.auto_updatable, cols.auto_updatable, {c.name for c in cols.columns if c.updatable}


def _view(ctx: _Ctx, v: ViewIR | MaterializedViewIR, cols: ViewColumns, rels: list[Rel], computed: list[str],
          triggers: set[str]) -> dict[str, Any]:
    ins, upd, writable = _view_events(v, cols)
    if triggers:  # INSTEAD OF triggers make every column writable for their events
        ins, upd = ins or "insert" in triggers, upd or "update" in triggers
        writable = {c.name for c in cols.columns}
    row, insert, update = [], [], []
    for c in sorted(cols.columns, key=lambda c: collate(c.name)):
        ct, domain_not_null = ctx.column_type(c.type) if c.type else (None, False)
        ts = ctx.ts(ct, v.id.schema) if ct else "unknown"
        ts = ctx.shaped(ts, c.shape, ct, Problem(v.pos, f"column {v.id.qualified}.{c.name}"))
        # a view column is NOT NULL in the catalog only by its domain
        nullable = (True if not ctx.typed else c.nullable) and not domain_not_null
        row.append(ctx.column(c.name, ts, nullable, False))
        if c.name in writable:
            insert.append(ctx.column(c.name, ts, True, True))
            update.append(ctx.column(c.name, ts, True, True))
        else:
            insert.append(f"{ts_key(c.name)}?: never")
            update.append(f"{ts_key(c.name)}?: never")
    return {"key": ts_key(v.id.name), "row_fields": row + computed, "insert_fields": insert if ins else None,
            "update_fields": update if upd else None, "relationships": [r.as_context() for r in rels]}


# -- relationships (postgres-meta PostgresMetaRelationships) --------------------------------------
def _relationships(ctx: _Ctx) -> list[Rel]:
    tables = {o.id: o for o in ctx.model.of_kind(Kind.TABLE) if isinstance(o, TableIR)}
    fks = [o for o in ctx.model.of_kind(Kind.CONSTRAINT) if isinstance(o, ForeignKeyIR)]
    rels: list[Rel] = []
    for fk in fks:
        if fk.id.schema not in ctx.schemas:
            continue
        table = tables[fk.id.relation()]
        order = {c.name: i for i, c in enumerate(table.columns)}
        keys = ([table.primary_key] if table.primary_key else []) + list(table.uniques)
        one = any(list(fk.columns) == sorted(k.columns, key=order.__getitem__) for k in keys)
        rels.append(Rel(fk.id.name, fk.id.schema, fk.id.table or "", list(fk.columns), one, fk.target.schema,
                        fk.target.name, list(fk.target_columns)))
    out = list(rels)
    deps = _view_key_dependencies(ctx)
    for r in rels:
        to_table = [d for d in deps if d[0] == (r.schema, r.relation) and d[2] == r.fk and d[3] == "f"]
        to_view = [d for d in deps if d[0] == (r.ref_schema, r.ref_relation) and d[2] == r.fk and d[3] == "f_ref"]
        for _, view, _, _, cols in to_table:
            for vcols in _product(cols):
                out.append(Rel(r.fk, view.schema, view.name, vcols, r.one_to_one, r.ref_schema, r.ref_relation,
                               r.ref_columns))
        for _, view, _, _, cols in to_view:
            for vcols in _product(cols):
                out.append(Rel(r.fk, r.schema, r.relation, r.columns, r.one_to_one, view.schema, view.name, vcols))
        for _, view, _, _, cols in to_table:
            for vcols in _product(cols):
                for _, rview, _, _, rcols in to_view:
                    for rv in _product(rcols):
                        out.append(Rel(r.fk, view.schema, view.name, vcols, r.one_to_one, rview.schema,
                                       rview.name, rv))
    return sorted(out, key=Rel.sort_key)


def _product(cols: list[list[str]]) -> list[list[str]]:
    combos: list[list[str]] = [[]]
    for options in cols:
        combos = [c + [o] for c in combos for o in options]
    return combos


def _view_key_dependencies(ctx: _Ctx) -> list[tuple[tuple[str, str], ObjectId, str, str, list[list[str]]]]:
    """Views exposing every column of a foreign key (``f``) or of its referenced key (``f_ref``)."""
    fks = [o for o in ctx.model.of_kind(Kind.CONSTRAINT) if isinstance(o, ForeignKeyIR)]
    out = []
    for vid, cols in ctx.views.items():
        if vid.schema not in ctx.schemas:
            continue
        exposed: dict[tuple[str, str, str], list[str]] = {}
        for c in cols.columns:
            if c.origin:
                exposed.setdefault((c.origin[0].schema, c.origin[0].name, c.origin[1]), []).append(c.name)
        for fk in fks:
            for kind, (sch, rel), keycols in (("f", (fk.id.schema, fk.id.table or ""), fk.columns),
                                              ("f_ref", (fk.target.schema, fk.target.name), fk.target_columns)):
                if kind == "f_ref" and fk.id.schema not in ctx.schemas:
                    continue
                found = [exposed.get((sch, rel, k)) for k in keycols]
                if all(found):
                    out.append(((sch, rel), vid, fk.id.name, kind, [f for f in found if f]))
    return out


# -- functions (postgres-meta FUNCTIONS_SQL and getFunctionSignatures) ---------------------------
@dataclass(slots=True)
class _Arg:
    name: str
    type: PgType
    mode: str
    has_default: bool


def _args(fn: FunctionIR) -> list[_Arg]:
    """All arguments in declaration order, ``TABLE`` columns last; defaults aligned as the catalog does.

    ``arg_has_defaults`` is built from ``pronargs``/``pronargdefaults`` only, so it lines up with the
    input arguments only when they come first: we reproduce that, misalignment included.
    """
    args = [(a.name or "", parse_type(a.type), a.mode) for a in fn.arguments]
    args += [(n, parse_type(t), "table") for n, t in fn.returns_table]
    nin = sum(1 for a in fn.arguments if a.mode in ("in", "inout", "variadic"))
    ndef = sum(1 for a in fn.arguments if a.default is not None)
    return [_Arg(n, t, m, nin - ndef <= i < nin) for i, (n, t, m) in enumerate(args)]


def _relation_named(ctx: _Ctx, t: PgType, schema: str) -> ObjectId | None:
    if t.array or t.schema == "pg_catalog":
        return None
    for kind in kinds_with_columns():
        oid = ObjectId(kind, t.schema or schema, t.name)
        if oid in ctx.model.objects:
            return oid
    return None


def _composite_named(ctx: _Ctx, t: PgType, schema: str) -> ObjectId | None:
    """The composite type of the spec that ``t`` names (a function result), if any."""
    if t.array:
        return None
    found = t.resolve(lambda s, name: ObjectId(Kind.COMPOSITE_TYPE, s, name) in ctx.model.objects, (schema,))
    return ObjectId(Kind.COMPOSITE_TYPE, *found) if found else None


def _exposed_functions(ctx: _Ctx, schema: str) -> list[tuple[FunctionIR, list[_Arg]]]:
    out = []
    for fn in ctx.model.of_kind(Kind.FUNCTION):
        assert isinstance(fn, FunctionIR)
        if fn.id.schema != schema or (fn.returns or "").lower() in ("trigger", "event_trigger"):
            continue
        args = sorted(_args(fn), key=lambda a: collate(a.name))
        ins = [a for a in args if a.mode in ("in", "inout", "variadic")]
        unnamed = [a for a in ins if not a.name]
        ok = (not ins or not unnamed
              or all(a.has_default and a.type.name in UNNAMED_OK and not a.type.array for a in unnamed)
              or (len(ins) == 1 and (ins[0].type.name in UNNAMED_OK or _relation_named(ctx, ins[0].type, schema))))
        if ok:
            out.append((fn, args))
    return sorted(out, key=lambda f: (collate(f[0].id.name), collate(", ".join(f[0].id.args))))


def _returns(ctx: _Ctx, fn: FunctionIR, args: list[_Arg]) -> tuple[list[str] | None, str, bool, PgType | None]:
    """(object fields or None, scalar type, set-returning, relation row type) of a function's result."""
    table = [a for a in args if a.mode == "table"]
    ret = fn.returns or "record"
    rt = parse_type(ret)
    setof = bool(fn.returns_table) or rt.setof
    if table:
        return [f"{ts_key(a.name)}: {ctx.ts(a.type, fn.id.schema)}" for a in table], "", setof, None
    rel = _relation_named(ctx, rt, fn.id.schema)
    if rel is not None and rel.schema == fn.id.schema and rel.schema in ctx.schemas:
        cols = _relation_columns(ctx, rel)
        return [ctx.column(n, ts, True if ctx.views.get(rel) else nullable, False)
                for n, ts, nullable in cols], "", setof, rt
    outs = [a for a in args if a.mode in ("out", "inout")]
    if ctx.typed and rt.name == "record" and not rt.array and len(outs) > 1:
        return [f"{ts_key(a.name)}: {ctx.ts(a.type, fn.id.schema)} | null" for a in outs], "", setof, None
    composite = _composite_named(ctx, rt, fn.id.schema)
    return None, ctx.ts(rt, fn.id.schema), setof, rt if rel or composite else None


def _relation_columns(ctx: _Ctx, rel: ObjectId) -> list[tuple[str, str, bool]]:
    obj = ctx.model.objects[rel]
    if isinstance(obj, TableIR):
        cols = []
        for c in obj.columns:
            pt, domain_not_null = ctx.column_type(parse_type(c.type))
            cols.append((c.name, ctx.ts(pt, rel.schema),
                         c.nullable and c.identity is None and not pt.serial and not domain_not_null))
    else:
        cols = []
        for vc in ctx.views[rel].columns:
            ct, domain_not_null = ctx.column_type(vc.type) if vc.type else (None, False)
            cols.append((vc.name, ctx.ts(ct, rel.schema) if ct else "unknown", not domain_not_null))
    return sorted(cols, key=lambda c: collate(c[0]))


def _signature(ctx: _Ctx, fn: FunctionIR, args: list[_Arg]) -> dict[str, Any]:
    ins = [a for a in args if a.mode in ("in", "inout", "variadic")]
    fields = [f"{_js(a.name) if not a.name else ts_key(a.name)}{'?' if a.has_default else ''}: "
              f"{ctx.ts(a.type, fn.id.schema)}" for a in ins]
    inline = "{ " + "; ".join(fields) + " }" if fields else "Record<PropertyKey, never>"
    fits = len("        Args: " + inline) <= ARGS_INLINE_WIDTH
    obj, scalar, setof, rt = _returns(ctx, fn, args)
    rel = _relation_named(ctx, rt, fn.id.schema) if rt is not None else None
    setof_options = None
    multiple = setof  # prorows defaults to 1000 for set-returning functions, null otherwise
    composite = _composite_named(ctx, rt, fn.id.schema) if rt is not None and rel is None else None
    if composite is not None:  # postgres-meta names a composite result like a relation (sub-selectable)
        setof_options = {"from": _js("*"), "to": _js(composite.name), "one": _bool(not multiple),
                         "setof": _bool(setof)}
    if rel is not None:
        setof_options = {"from": _js("*"), "to": _js(rel.name), "one": _bool(not multiple), "setof": _bool(setof)}
        arg_rel = _relation_named(ctx, args[0].type, fn.id.schema) if len(args) == 1 else None
        if arg_rel is not None:
            source = arg_rel.name if arg_rel.schema == "public" else f"{arg_rel.schema}.{arg_rel.name}"
            setof_options.update({"from": _js(source), "one": _bool(not multiple or not setof)})
    collapsible = not multiple and (rel is not None or composite is not None)
    suffix = "[]" if setof and not collapsible else ""
    if len(ins) == 1 and not ins[0].name and _relation_named(ctx, ins[0].type, fn.id.schema) and rel is None:
        # postgres-meta hasTableRowError: PostgREST only embeds such a function as a computed field
        message = (f"the function {fn.id.schema}.{fn.id.name} with parameter or with a single unnamed "
                   "json/jsonb parameter, but no matches were found in the schema cache")
        obj, suffix, setof_options = ["error: true"], f" & {_js(message)}", None
    one_line = None
    if obj is None and setof_options is None and (fits or not fields):
        one_line = f"{{ Args: {inline}; Returns: {scalar}{suffix} }}"
    return {"args_inline": inline if (fits or not fields) else None, "args_fields": fields,
            "returns_fields": obj, "returns": scalar, "suffix": suffix, "setof_options": setof_options,
            "one_line": one_line}


def _computed_fields(ctx: _Ctx, fns: list[tuple[FunctionIR, list[_Arg]]], rel: ObjectId) -> list[str]:
    """Functions taking the relation's row as their only input: selectable like columns."""
    out = []
    for fn, args in fns:
        ins = [a for a in args if a.mode in ("in", "inout", "variadic")]
        if len(ins) == 1 and _relation_named(ctx, ins[0].type, fn.id.schema) == rel:
            obj, scalar, _, _ = _returns(ctx, fn, args)
            ts = ("{\n" + "\n".join(obj) + "\n}") if obj is not None else scalar
            out.append(f"{ts_key(fn.id.name)}: {_nullable(ts, True)}")
    return out


# -- the file ------------------------------------------------------------------------------------------
def _schema(ctx: _Ctx, schema: str, rels: list[Rel]) -> dict[str, Any]:
    by_relation: dict[tuple[str, str], list[Rel]] = {}  # one pass: a scan per relation was quadratic
    for r in rels:
        if r.ref_schema == r.schema:
            by_relation.setdefault((r.schema, r.relation), []).append(r)

    def rels_of(oid: ObjectId) -> list[Rel]:
        return by_relation.get((oid.schema, oid.name), [])

    fns = _exposed_functions(ctx, schema)
    tables = sorted((o for o in ctx.model.of_kind(Kind.TABLE) if isinstance(o, TableIR) and o.id.schema == schema),
                    key=lambda o: collate(o.id.name))
    declared = {t.id for t in tables}
    views = sorted((o for o in ctx.model.of_kind(*kinds_where(columns="query"))
                    if isinstance(o, ViewIR | MaterializedViewIR) and o.id.schema == schema),
                   key=lambda o: collate(o.id.name))
    view_triggers: dict[ObjectId, set[str]] = {}
    for trg in ctx.model.of_kind(Kind.TRIGGER):
        if isinstance(trg, TriggerIR) and trg.timing == "instead of":
            view_triggers.setdefault(trg.on, set()).update(trg.events)
    functions: dict[str, list[dict[str, Any]]] = {}
    for fn, args in fns:
        functions.setdefault(fn.id.name, []).append(_signature(ctx, fn, args))
    enums = sorted((o for o in ctx.model.of_kind(Kind.TYPE) if isinstance(o, EnumIR) and o.id.schema == schema),
                   key=lambda o: collate(o.id.name))
    composites = sorted((o for o in ctx.model.of_kind(Kind.COMPOSITE_TYPE)
                         if isinstance(o, CompositeTypeIR) and o.id.schema == schema), key=lambda o: collate(o.id.name))
    return {
        "key": ts_key(schema),
        "composite_types": [{"key": ts_key(c.id.name), "fields": [
            f"{ts_key(a.name)}: {_nullable(ctx.ts(parse_type(a.type), schema), True)}" for a in c.attributes]}
            for c in composites],
        "tables": [_table(ctx, t, rels_of(t.id), _computed_fields(ctx, fns, t.id)) if t.id in declared else
                   _table(ctx, t, [], []) for t in _with_partitions(tables)],
        "views": [_view(ctx, v, ctx.views[v.id], rels_of(v.id), _computed_fields(ctx, fns, v.id),
                        view_triggers.get(v.id, set())) for v in views],
        "functions": [{"key": ts_key(name), "signatures": sigs} for name, sigs in functions.items()],
        "enums": [{"key": ts_key(e.id.name), "union": " | ".join(_js(v) for v in e.values),
                   "labels": ", ".join(_js(v) for v in e.values)} for e in enums],
    }


def _check_shapes(loaded: LoadedSpec, model: Model, config: TypesConfig, views: dict[ObjectId, ViewColumns],
                  ) -> list[Problem]:
    problems = check_definitions(loaded, config.definitions)
    for t in model.of_kind(Kind.TABLE):
        assert isinstance(t, TableIR)
        for c in t.columns:
            if c.shape is not None:
                _check_one(config, c.shape, parse_type(c.type), Problem(c.pos, f"column {t.id.qualified}.{c.name}"),
                           problems)
    for vid in views:
        obj = model.objects[vid]
        assert isinstance(obj, ViewIR | MaterializedViewIR)  # infer_views infers views only
        for d in obj.columns:
            if d.shape is not None:
                _check_one(config, d.shape, parse_type(d.type), Problem(d.pos, f"column {vid.qualified}.{d.name}"),
                           problems)
    return problems


def _check_one(config: TypesConfig, shape: str, t: PgType, where: Problem, problems: list[Problem]) -> None:
    if column_shape(shape, config.definitions) is None:
        known = ", ".join(sorted(base_name(n) for n in config.definitions)) or "none"
        problems.append(Problem(where.pos, f"{where.message}: unknown shape {shape!r}",
                                f"define it under `types.definitions` (known: {known})"))
    elif t.name not in ("json", "jsonb"):
        problems.append(Problem(where.pos, f"{where.message}: `shape` needs a json or jsonb column"))


def check_types(model: Model, loaded: LoadedSpec) -> tuple[dict[ObjectId, ViewColumns], list[Problem]]:
    """The inferred columns of every view, and every problem of them and of the ``shape:`` of columns
    and ``types.definitions`` (build's step, when ``database.types.ts`` is an output)."""
    try:
        views = infer_views(model)
    except SpecError as exc:
        return {}, list(exc.problems)
    return views, _check_shapes(loaded, model, loaded.spec.types, views)


def render_types(model: Model, loaded: LoadedSpec, *, templates: str | None = None) -> list[GeneratedFile]:
    """``database.types.ts``: Supabase's ``Database`` for the exposed schemas, then typed JSONB."""
    from .env import environment  # Jinja: build imports this module (check_types), a refused check renders nothing

    config = loaded.spec.types
    checked = model.sections.views if model.sections is not None else None
    if checked is not None:
        views = dict(checked)  # inferred and checked by build
    else:
        views, problems = check_types(model, loaded)
        if problems:
            raise SpecError(problems)
    schemas = sorted(set(config.schemas), key=collate)
    plain = _Ctx(model, config, views, schemas)
    rels = _relationships(plain)
    has_shapes = any(c.shape for t in model.of_kind(Kind.TABLE) if isinstance(t, TableIR)
                     for c in t.columns) or any(
        c.shape for v in views.values() for c in v.columns)
    typed = _Ctx(model, config, views, schemas, typed=True)
    context = {
        "schemas": [_schema(plain, s, rels) for s in schemas],
        "typed_schemas": [_schema(typed, s, rels) for s in schemas] if has_shapes else [],
        "definitions": [{"name": n.strip(), "text": render_definition(d)} for n, d in config.definitions.items()],
        "default_schema": _js("public"),
    }
    text = environment(templates).get_template("ts/database.types.ts.j2").render(**context)
    collate.cache_clear()  # its keys were for this render: 2.5 MiB at 1,000 tables, kept to the end otherwise
    return [GeneratedFile(FILE_NAME, text)]
