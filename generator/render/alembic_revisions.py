"""``alembic/``: an Alembic script directory whose revisions are the SQL migrations' plans.

Each revision ``NNN`` renders the same plan as ``NNN_<name>.sql`` (upgrade) and its inverse
(downgrade), op by op and in the same order, so nothing is written twice:

* tables, columns, keys, checks, foreign keys and indexes use ``op.*`` (``create_table``,
  ``add_column``, ``create_index`` with the ``postgresql_*`` options, ``create_foreign_key`` …);
* functions, views, materialized views, triggers, policies and extensions are alembic_utils
  entities (``op.create_entity`` / ``op.drop_entity``), and ``env.py`` registers the final ones so
  ``alembic check`` compares them too;
* the rest, which neither models (schemas, enum types, sequences, RLS switches, grants and
  revokes, comments on functions, policies and triggers, in-place alters), is ``op.execute`` of the
  exact statements the SQL templates render.

An op falls back to its rendered SQL whenever the Alembic/alembic_utils form could differ from it:
a type SQLAlchemy has no class for, a name alembic_utils would not quote, an online (``NOT VALID``)
constraint. ``CONCURRENTLY`` and other non-transactional parts run in ``autocommit_block()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jinja2
from pglast import parser as pg_parser

from ..ir.ids import ObjectId
from ..ir.model import (
    CheckConstraint,
    Column,
    EnumIR,
    ExtensionIR,
    ForeignKeyIR,
    FunctionIR,
    IndexIR,
    MaterializedViewIR,
    Model,
    PolicyIR,
    TableIR,
    TriggerIR,
    ViewIR,
)
from ..ir.partitions import tree
from ..ir.serial import sequence_name
from ..kinds import Kind, kind_def
from ..output import GeneratedFile
from ..plan import ONLINE_SETTINGS, Op, Plan
from ..plan.ops import (
    AddColumn,
    AddConstraint,
    AlterObject,
    CreateObject,
    DropColumn,
    DropConstraint,
    DropObject,
    RenameColumn,
    RenameObject,
)
from ..plan.order import schedule
from ..quoting import quote_ident
from ..spec import LoadedSpec
from ..sqlan.refs import default_text
from .env import arguments, environment, function_options, returns, search_path, view_options
from .pytypes import column_type, py_literal
from .sql import op_title, render_op
from .sqlalchemy_models import FK_ACTIONS, enum_classes, escape_colons, index_parts

ALEMBIC_DIR = "alembic"
#: alembic_utils module of each entity class (which kind is which class: ``KindDef.alembic_entity``)
ENTITY_MODULES = {"PGFunction": "pg_function", "PGView": "pg_view", "PGMaterializedView": "pg_materialized_view",
                  "PGTrigger": "pg_trigger", "PGPolicy": "pg_policy", "PGExtension": "pg_extension"}
_SIMPLE = re.compile(r"^[a-z_][a-z0-9_]*$")


def simple(*names: str) -> bool:
    """Whether every name is written the same quoted or not (alembic_utils does not quote names)."""
    return all(_SIMPLE.match(n) and quote_ident(n) == n for n in names)


def plain(name: str) -> bool:
    """Whether alembic_utils keeps ``name`` as it is (it drops double quotes and folds whitespace)."""
    return '"' not in name and " ".join(name.split()) == name


def pystr(text: str) -> str:
    """A readable Python literal: a raw triple-quoted string when one can hold ``text``."""
    if "\n" in text and '"""' not in text and not text.endswith(('"', "\\")) and "\r" not in text:
        return f'r"""{text}"""' if "\\" in text else f'"""{text}"""'
    return py_literal(text)


def sql_literal(sql: str) -> str:
    """A statement for ``op.execute`` and friends: colons escaped (``text()`` reads ``:name`` as a
    parameter); several lines become adjacent literals, one per line, so that indenting the code
    never changes the SQL (a function body's whitespace is part of its definition)."""
    lines = escape_colons(sql).splitlines(keepends=True)
    if len(lines) <= 1:
        return py_literal(escape_colons(sql))
    return "(\n" + "".join(f"    {py_literal(ln)}\n" for ln in lines) + ")"


def statements(sql: str) -> list[str]:
    """The statements of a rendered template, each with its semicolon, comments kept."""
    out = []
    for part in pg_parser.split(sql, with_parser=False, only_slices=True):
        text = sql[part].strip()
        if text:
            out.append(text if text.endswith(";") else text + ";")
    return out


@dataclass(slots=True)
class Entity:
    """An alembic_utils entity a revision (or env.py) defines at module level."""

    var: str
    cls: str
    code: str


@dataclass(slots=True)
class EntityBook:
    """Entities of one file by definition, with unique, deterministic variable names."""

    items: dict[str, Entity] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def add(self, cls: str, base: str, code: str) -> str:
        if code in self.items:
            return self.items[code].var
        var = re.sub(r"\W", "_", base, flags=re.ASCII).strip("_").lower() or "entity"
        name, n = var, 2
        while name in self.names:
            name, n = f"{var}_{n}", n + 1
        self.names.add(name)
        self.items[code] = Entity(name, cls, code)
        return name


def entity_code(obj: object, *, quoted: bool = False) -> tuple[str, str, str] | None:
    """(class, variable base, constructor) of the alembic_utils entity for ``obj``, or None.

    ``quoted``: for entities.py, whose ``PGPolicy`` quotes policy names (alembic_utils' does not),
    so a policy may have any name.
    """
    if isinstance(obj, FunctionIR) and simple(obj.id.schema, obj.id.name):
        definition = f"RETURNS {returns(obj)}\nLANGUAGE {obj.language}\n{function_options(obj)}\n"
        if obj.search_path is not None:
            definition += f"SET search_path = {search_path(obj.search_path)}\n"
        from ..quoting import dollar_quote

        definition += f"AS {dollar_quote(obj.body)}"
        sig = f"{obj.id.name}({arguments(obj)})"
        return "PGFunction", f"{obj.id.schema}_{obj.id.name}", (
            f"PGFunction(\n    schema={py_literal(obj.id.schema)},\n    signature={py_literal(sig)},\n"
            f"    definition={pystr(definition)},\n)")
    if isinstance(obj, ViewIR) and simple(obj.id.schema, obj.id.name):
        definition = obj.query.strip()
        if obj.check_option:
            definition += f"\nWITH {obj.check_option.upper()} CHECK OPTION"
        return "PGView", f"{obj.id.schema}_{obj.id.name}", (
            f"PGView(\n    schema={py_literal(obj.id.schema)},\n    signature={py_literal(obj.id.name)},\n"
            f"    definition={pystr(definition)},\n)")
    if isinstance(obj, MaterializedViewIR) and simple(obj.id.schema, obj.id.name):
        return "PGMaterializedView", f"{obj.id.schema}_{obj.id.name}", (
            f"PGMaterializedView(\n    schema={py_literal(obj.id.schema)},\n    signature={py_literal(obj.id.name)},\n"
            f"    definition={pystr(obj.query.strip())},\n    with_data={obj.with_data},\n)")
    if isinstance(obj, (TriggerIR, PolicyIR)) and simple(obj.on.schema, obj.on.name) and (
            simple(obj.id.name) or (quoted and isinstance(obj, PolicyIR) and plain(obj.id.name))):
        env = environment(None)
        first = statements(render_op(env, CreateObject(obj)))[0]
        head = f"CREATE {'TRIGGER' if isinstance(obj, TriggerIR) else 'POLICY'} {quote_ident(obj.id.name)}"
        if not first.startswith(head):
            return None
        definition = first[len(head):].strip().removesuffix(";")
        on = f"{obj.on.schema}.{obj.on.name}"
        if isinstance(obj, PolicyIR):
            prefix = f"ON {env.filters['qname'](obj.on)}"
            if not definition.startswith(prefix):
                return None
            definition = definition[len(prefix):].strip()
        cls = "PGTrigger" if isinstance(obj, TriggerIR) else "PGPolicy"
        return cls, f"{obj.on.schema}_{obj.on.name}_{obj.id.name}", (
            f"{cls}(\n    schema={py_literal(obj.id.schema)},\n    signature={py_literal(obj.id.name)},\n"
            f"    on_entity={py_literal(on)},\n    definition={pystr(definition)},\n)")
    if isinstance(obj, ExtensionIR) and obj.schema is not None and simple(obj.id.name, obj.schema):
        return "PGExtension", f"extension_{obj.id.name}", (
            f"PGExtension(schema={py_literal(obj.schema)}, signature={py_literal(obj.id.name)})")
    return None


class _Writer:
    """Python statements of one revision side (upgrade or downgrade), op by op."""

    def __init__(self, model: Model, env: jinja2.Environment, book: EntityBook,
                 enums: dict[ObjectId, str]) -> None:
        self.model, self.env, self.book, self.enums = model, env, book, enums
        self.lines: list[str] = []

    def plan(self, plan: Plan, settings: tuple[str, ...]) -> list[str]:
        self.lines = []
        for s in settings:
            self.lines.append(f"op.execute({py_literal('SET ' + s)})")
        for op, part in schedule(plan.ops):  # the SQL migration's order (generator/plan/order.py)
            body = self.part(op, part.action)
            if not body:
                continue
            self.lines.append(f"# {_title(op, part.action)}")
            if part.txn == "main":
                self.lines += body
            else:
                self.lines.append("with op.get_context().autocommit_block():")
                self.lines += ["    " + ln if ln else ln for ln in "\n".join(body).split("\n")]
        for s in settings:
            self.lines.append(f"op.execute({py_literal('RESET ' + s.split(' ')[0])})")
        return self.lines or ["pass"]

    def rendered(self, op: Op, action: str, skip: tuple[str, ...] = ()) -> list[str]:
        """``op.execute`` of each rendered statement that does not start with one of ``skip``."""
        sql = render_op(self.env, op, action)
        return [f"op.execute({sql_literal(s)})" for s in statements(sql) if not s.upper().startswith(skip)]

    def part(self, op: Op, action: str) -> list[str]:
        obj = op.obj
        whole = isinstance(op, (CreateObject, DropObject)) and action in ("create", "drop")
        if isinstance(obj, TableIR):
            return self.table(op, obj, action)
        if isinstance(obj, IndexIR) and whole:
            return self.index(op, obj, action)
        if isinstance(obj, ForeignKeyIR) and whole and not op.online:
            return self.foreign_key(op, obj, action)
        if kind_def(op.kind).alembic_entity is not None and whole:
            found = entity_code(obj)
            if found is not None:
                cls, base, code = found
                var = self.book.add(cls, base, code)
                first, *rest = statements(render_op(self.env, op, action))
                out = [f"op.{action}_entity({var})"]
                if action == "create" and isinstance(obj, ViewIR) and view_options(obj):
                    alter = (f"ALTER VIEW {quote_ident(obj.id.schema)}.{quote_ident(obj.id.name)} "
                             f"SET ({', '.join(view_options(obj))});")
                    out.append(f"op.execute({sql_literal(alter)})")
                return out + [f"op.execute({sql_literal(s)})" for s in rest]
        if isinstance(obj, FunctionIR) and isinstance(op, AlterObject):
            return self.replace_function(op)
        return self.rendered(op, action)

    def replace_function(self, op: Op) -> list[str]:
        """``op.replace_entity`` (CREATE OR REPLACE, keeps grants and comment) for a new definition,
        then the rendered side statements (RESET search_path, comment, grants)."""
        found = entity_code(op.obj)
        parts = statements(render_op(self.env, op, "alter"))
        if found is None or not parts or not parts[0].startswith("CREATE OR REPLACE FUNCTION"):
            return self.rendered(op, "alter")
        var = self.book.add(*found)
        return [f"op.replace_entity({var})", *(f"op.execute({sql_literal(s)})" for s in parts[1:])]

    # --- tables ------------------------------------------------------------------------------------

    def table(self, op: Op, t: TableIR, action: str) -> list[str]:
        schema = py_literal(t.id.schema)
        name = py_literal(t.id.name)
        # EXCLUDE and PARTITION BY (and the partitions after it): the rendered SQL
        if action == "create" and self._expressible(t, t.columns) and not t.excludes and not t.partition_by:
            args = [name] + [self.column(t, c) for c in t.columns]
            if t.primary_key:
                pk = t.primary_key
                args.append(f"sa.PrimaryKeyConstraint({_names(pk.columns)}, name={py_literal(pk.name)})")
            for u in t.uniques:
                nnd = ", postgresql_nulls_not_distinct=True" if u.nulls_not_distinct else ""
                args.append(f"sa.UniqueConstraint({_names(u.columns)}, name={py_literal(u.name)}{nnd})")
            for k in t.checks:
                args.append(f"sa.CheckConstraint({sql_literal(k.expression)}, name={py_literal(k.name)})")
            args.append(f"schema={schema}")
            if t.comment is not None:
                args.append(f"comment={py_literal(t.comment)}")
            call = "op.create_table(\n" + "".join(f"    {a},\n" for a in args) + ")"
            return [call, *self.rendered(op, action, skip=("CREATE TABLE", "COMMENT ON TABLE", "COMMENT ON COLUMN"))]
        if isinstance(op, AddColumn) and self._expressible(t, (op.column,)):
            return [f"op.add_column({name}, {self.column(t, op.column)}, schema={schema})",
                    *self.rendered(op, action, skip=("ALTER TABLE", "COMMENT ON COLUMN"))]
        table_call = self._table_call(op, t, action, name, schema)
        if table_call is None:
            return self.rendered(op, action)
        return [table_call, *self.rest(op, action)]

    def rest(self, op: Op, action: str) -> list[str]:
        """``op.execute`` of the rendered statements after the first (which an ``op.*`` call made)."""
        return [f"op.execute({sql_literal(s)})" for s in statements(render_op(self.env, op, action))[1:]]

    def _table_call(self, op: Op, t: TableIR, action: str, name: str, schema: str) -> str | None:
        """The ``op.*`` call that makes the first statement of a table op, if one says it exactly."""
        if isinstance(op, DropObject) and not any(c.owned_sequence for c in t.columns):  # else OWNED BY NONE first
            return f"op.drop_table({name}, schema={schema})"
        if isinstance(op, DropColumn) and not op.column.owned_sequence:
            return f"op.drop_column({name}, {py_literal(op.column.name)}, schema={schema})"
        # an exclusion constraint (AddExclusion, DropExclusion): its rendered SQL (alembic has no op)
        if isinstance(op, AddConstraint) and not op.online:
            k = op.constraint
            if isinstance(k, CheckConstraint):
                return (f"op.create_check_constraint({py_literal(k.name)}, {name}, {sql_literal(k.expression)}, "
                        f"schema={schema})")
            if op.constraint_type == "unique":
                nnd = ", postgresql_nulls_not_distinct=True" if k.nulls_not_distinct else ""
                return (f"op.create_unique_constraint({py_literal(k.name)}, {name}, [{_names(k.columns)}], "
                        f"schema={schema}{nnd})")
            return f"op.create_primary_key({py_literal(k.name)}, {name}, [{_names(k.columns)}], schema={schema})"
        if isinstance(op, DropConstraint):
            type_ = {"check": "check", "unique": "unique", "primary key": "primary"}[op.constraint_type]
            return (f"op.drop_constraint({py_literal(op.constraint.name)}, {name}, type_={py_literal(type_)}, "
                    f"schema={schema})")
        if isinstance(op, RenameColumn):
            return (f"op.alter_column({name}, {py_literal(op.old_column.name)}, "
                    f"new_column_name={py_literal(op.column.name)}, schema={schema})")
        if isinstance(op, RenameObject) and op.old.id.schema == t.id.schema:
            return f"op.rename_table({py_literal(op.old.id.name)}, {name}, schema={schema})"
        return None

    def _expressible(self, t: TableIR, cols: tuple[Column, ...]) -> bool:
        """Whether ``op.create_table``/``add_column`` give exactly the rendered SQL's table."""
        for c in cols:
            if not column_type(self.model, c.type, self.enums).exact:
                return False
            if c.storage or c.compression:
                return False  # sa.Column has neither: the rendered SQL says them
            if c.identity and len(sequence_name(t.id.name, c.name).encode()) > 63:
                return False  # the sequence would not get the name the SQL gives it
        return True

    def column(self, t: TableIR, c: Column) -> str:
        typ = column_type(self.model, c.type, self.enums)
        sa_type = typ.sa
        if typ.enum is not None:  # revisions do not import the models' Python enums
            e = self.model.objects[typ.enum]
            assert isinstance(e, EnumIR)  # column_type names enum types only
            values = ", ".join(py_literal(v) for v in e.values)
            enum = (f"postgresql.ENUM({values}, name={py_literal(typ.enum.name)}, "
                    f"schema={py_literal(typ.enum.schema)}, create_type=False)")
            sa_type = sa_type.split("(", 1)[0] == "postgresql.ARRAY" and f"postgresql.ARRAY({enum})" or enum
        parts = [py_literal(c.name), sa_type]
        if c.identity:
            parts.append(f"sa.Identity(always={c.identity == 'always'})")
        if c.generated:
            parts.append(f"sa.Computed({sql_literal(c.generated)}, persisted=True)")
        pk = t.primary_key is not None and c.name in t.primary_key.columns
        parts.append(f"nullable={c.nullable and not pk and not c.identity}")
        if pk and not c.identity:
            parts.append("autoincrement=False")  # SQLAlchemy would make an integer key SERIAL
        if c.default is not None:
            parts.append(f"server_default=sa.text({sql_literal(default_text(c.default))})")
        if c.comment is not None:
            parts.append(f"comment={py_literal(c.comment)}")
        return f"sa.Column({', '.join(parts)})"

    # --- indexes and foreign keys ------------------------------------------------------------------

    def index(self, op: Op, ix: IndexIR, action: str) -> list[str]:
        conc = ", postgresql_concurrently=True" if op.online else ""
        table = py_literal(ix.on.name)
        if action == "drop":
            return [f"op.drop_index({py_literal(ix.id.name)}, table_name={table}, schema={py_literal(ix.id.schema)}"
                    f"{conc})"]
        elements, kw = index_parts(ix)
        args = [py_literal(ix.id.name), table, "[" + ", ".join(elements) + "]", f"schema={py_literal(ix.on.schema)}",
                *kw]
        call = f"op.create_index({', '.join(args)}{conc})"
        return [call, *self.rendered(op, action, skip=("CREATE",))]

    def foreign_key(self, op: Op, fk: ForeignKeyIR, action: str) -> list[str]:
        name, table, schema = py_literal(fk.id.name), py_literal(fk.id.table or ""), py_literal(fk.id.schema)
        if action == "drop":
            return [f"op.drop_constraint({name}, {table}, type_=\"foreignkey\", schema={schema})"]
        opts = [f"source_schema={schema}", f"referent_schema={py_literal(fk.target.schema)}"]
        if on_update := FK_ACTIONS.get(fk.on_update):
            opts.append(f"onupdate={py_literal(on_update)}")
        if on_delete := FK_ACTIONS.get(fk.on_delete):
            opts.append(f"ondelete={py_literal(on_delete)}")
        if fk.deferrable:
            opts.append("deferrable=True, initially=\"DEFERRED\"")
        if fk.match == "full":
            opts.append("match=\"FULL\"")
        call = (f"op.create_foreign_key({name}, {table}, {py_literal(fk.target.name)}, [{_names(fk.columns)}], "
                f"[{_names(fk.target_columns)}], {', '.join(opts)})")
        return [call, *self.rendered(op, action, skip=("ALTER TABLE",))]  # and its COMMENT ON CONSTRAINT


def _names(cols: tuple[str, ...]) -> str:
    return ", ".join(py_literal(c) for c in cols)


def _title(op: Op, action: str) -> str:
    """The SQL migration's comment for this step (already escaped: one line)."""
    return op_title(op, action if action != op.action else None)


def final_entities(model: Model) -> tuple[EntityBook, list[str]]:
    """The alembic_utils entities of the spec's final state, in creation order (for env.py), and
    the (type, schema, name) literals of the objects that cannot be entities."""
    book, unmanaged = EntityBook(), []
    for oid in model.order:
        if kind_def(oid.kind).alembic_entity is not None:
            found = entity_code(model.objects[oid], quoted=True)
            if found is not None:
                book.add(*found)
            else:
                obj = model.objects[oid]
                schema = (obj.schema or "public") if isinstance(obj, ExtensionIR) else oid.schema
                name = " ".join(oid.name.replace('"', "").split())  # as alembic_utils reads it back
                # alembic_utils names an entity type as our template folder does (materialized_view)
                entity_type = kind_def(oid.kind).template_dir
                unmanaged.append(f"({py_literal(entity_type)}, {py_literal(schema)}, {py_literal(name)})")
    return book, sorted(unmanaged)


def render_alembic(model: Model, loaded: LoadedSpec, plans: list[tuple[int, Plan]], *,
                   templates: str | None = None, online: frozenset[int] = frozenset()) -> list[GeneratedFile]:
    """``alembic.ini``, ``env.py``, ``script.py.mako``, ``entities.py`` and one revision per migration."""
    env = environment(templates)
    enums = enum_classes(model, set())
    infos = {i.number: i for i in model.migrations}
    files: list[GeneratedFile] = []
    previous: str | None = None
    for number, plan in plans:
        info = infos[number]
        book = EntityBook()
        writer = _Writer(model, env, book, enums)
        settings = ONLINE_SETTINGS if number in online else ()
        up = writer.plan(plan, settings)
        down = writer.plan(plan.inverse(), settings)
        text = env.get_template("python/alembic/revision.py.j2").render(
            revision=info.tag, down_revision=previous, name=info.name, description=info.description,
            entities=sorted(book.items.values(), key=lambda e: e.var),
            imports=sorted({(ENTITY_MODULES[e.cls], e.cls) for e in book.items.values()}),
            upgrade=up, downgrade=down, sql_file=f"{info.tag}_{info.name}.sql",
            losses=[loss for _op, loss in plan.destructive()],
        )
        files.append(GeneratedFile(f"{ALEMBIC_DIR}/versions/{info.tag}_{info.name}.py", _clean(text)))
        previous = info.tag
    book, unmanaged = final_entities(model)
    # the schemas the spec creates objects in; a policy or trigger on a table it does not create
    # (Supabase's storage.objects, auth.users) does not make that schema the spec's to compare
    created = {(i.schema, i.name) for i in model.objects if kind_def(i.kind).relation}
    schemas = sorted({o.id.name for o in model.of_kind(Kind.SCHEMA)} | {
        o.id.schema for o in model.objects.values()
        if o.id.schema and (o.id.table is None or (o.id.schema, o.id.table) in created)})
    # partitions are tables of the database the models do not list (Postgres makes each parent's
    # indexes on them): env.py leaves them out of the comparison
    partitions = sorted([t.id.schema, p.name] for t in model.of_kind(Kind.TABLE) if isinstance(t, TableIR)
                        for _parent, p in tree(t))
    common = {"project": model.project, "schemas": schemas, "partitions": partitions}
    files.append(GeneratedFile(f"{ALEMBIC_DIR}/entities.py", _clean(env.get_template(
        "python/alembic/entities.py.j2").render(
        entities=list(book.items.values()), unmanaged=unmanaged,
        imports=sorted({(ENTITY_MODULES[e.cls], e.cls) for e in book.items.values() if e.cls != "PGPolicy"}),
        **common))))
    for name in ("env.py", "alembic.ini", "script.py.mako", "README"):
        files.append(GeneratedFile(f"{ALEMBIC_DIR}/{name}", _clean(
            env.get_template(f"python/alembic/{name}.j2").render(**common))))
    return files


def _clean(text: str) -> str:
    return text.rstrip("\n") + "\n"


