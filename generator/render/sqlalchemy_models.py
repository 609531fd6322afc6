"""``models.py``: SQLAlchemy 2.x typed declarative models of the spec's final state.

One class per table (``Mapped[...]`` + ``mapped_column``), every constraint and index under the
generator's exact name, ``relationship()`` both ways per foreign key, Python enums for enum types,
``TypedDict``s for jsonb shapes, and views as read-only ``Table``s in a metadata of their own (no
``alembic check`` diff: views are alembic_utils entities). Decisions are made here; the template
only lays the blocks out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir.ids import ObjectId
from ..ir.model import EnumIR, ExclusionConstraint, ForeignKeyIR, IndexIR, MaterializedViewIR, Model, TableIR, ViewIR
from ..kinds import Kind, kinds_where
from ..output import GeneratedFile
from ..quoting import quote_ident
from ..spec import LoadedSpec
from ..sqlan.refs import default_text
from .env import environment
from .exclusion import opclass as exclusion_opclass
from .pyshapes import ShapeWriter
from .pytypes import PyType, catalog_type, class_name, column_type, py_literal, py_name
from .viewcols import infer_views

MODELS_FILE = "models.py"

#: Postgres's own default names: SQLAlchemy never needs them (every name is explicit), but if it
#: ever had to invent one it would invent the name Postgres would.
NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(column_0_N_name)s_check",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
}

DEFAULT_SCHEMA = "public"

FK_ACTIONS = {"no action": None, "restrict": "RESTRICT", "cascade": "CASCADE", "set null": "SET NULL",
              "set default": "SET DEFAULT"}


@dataclass(slots=True)
class _Class:
    table: TableIR
    name: str
    attrs: dict[str, str] = field(default_factory=dict)  # column name → attribute name
    taken: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)


def enum_classes(model: Model, taken: set[str]) -> dict[ObjectId, str]:
    """A Python class name for every enum type of ``model``."""
    out: dict[ObjectId, str] = {}
    for e in model.of_kind(Kind.TYPE):
        if isinstance(e, EnumIR):
            out[e.id] = class_name(e.id.name if e.id.schema == "public" else f"{e.id.schema}_{e.id.name}", taken)
    return out


def table_schema(schema: str) -> str | None:
    """The ``schema=`` of a table: None for ``public``, the default schema, as Alembic reflects it
    (an explicit ``"public"`` makes ``alembic check`` see every foreign key to it as changed)."""
    return None if schema == DEFAULT_SCHEMA else schema


def _ref(schema: str, table: str, column: str) -> str:
    """``ForeignKey`` target text: ``[schema.]table.column``."""
    return ".".join(p for p in (table_schema(schema), table, column) if p)


def _dotless(*names: str) -> bool:
    return all("." not in n for n in names)


def render_models(model: Model, loaded: LoadedSpec, *, templates: str | None = None) -> list[GeneratedFile]:
    """``models.py`` for the final state of ``model``."""
    taken: set[str] = set()
    enums = enum_classes(model, taken)
    shapes = ShapeWriter(loaded.spec.types.definitions)
    shape_blocks = shapes.render()
    taken |= shapes.names | shapes.simple
    classes: dict[ObjectId, _Class] = {}
    for t in model.of_kind(Kind.TABLE):
        assert isinstance(t, TableIR)
        name = t.id.name if t.id.schema == "public" else f"{t.id.schema}_{t.id.name}"
        classes[t.id] = _Class(t, class_name(name, taken))
    for c in classes.values():
        c.taken = {"metadata", "registry"}
        for col in c.table.columns:
            c.attrs[col.name] = py_name(col.name, c.taken, prefix="col")
    fks = [fk for fk in model.of_kind(Kind.CONSTRAINT) if isinstance(fk, ForeignKeyIR)]
    for c in classes.values():
        _table_class(model, c, enums, shapes, fks)
    _relationships(model, classes, fks)
    views = _views(model, enums)
    enum_blocks = []
    for eid, cls in enums.items():
        e = model.objects[eid]
        assert isinstance(e, EnumIR)
        member_taken: set[str] = set()
        members = [f"    {py_name(v, member_taken, prefix='v')} = {py_literal(v)}" for v in e.values]
        doc = f'    """Enum type {eid.qualified}."""\n'
        enum_blocks.append(f"class {cls}(enum.Enum):\n{doc}" + "\n".join(members or ["    pass"]))
    env = environment(templates)
    text = env.get_template("python/models.py.j2").render(
        project=model.project, naming=NAMING_CONVENTION, enums=enum_blocks, shapes=shape_blocks,
        classes=["\n".join(c.lines) for c in classes.values()], views=views,
    )
    return [GeneratedFile(MODELS_FILE, text.rstrip("\n") + "\n")]


def _table_class(model: Model, c: _Class, enums: dict[ObjectId, str], shapes: ShapeWriter,
                 fks: list[ForeignKeyIR]) -> None:
    t = c.table
    own_fks = [fk for fk in fks if fk.id.relation() == t.id]
    inline = {fk.columns[0]: fk for fk in own_fks if len(fk.columns) == 1 and _dotless(
        fk.target.schema, fk.target.name, fk.target_columns[0])}
    lines = c.lines
    lines.append(f"class {c.name}(Base):")
    doc = t.comment or f"Table {t.id.qualified}."
    lines.append(f'    """{_doc(doc)}"""')
    lines.append("")
    lines.append(f"    __tablename__ = {py_literal(t.id.name)}")
    args = _table_args(model, t, own_fks, inline)
    lines.append("    __table_args__ = (")
    lines += [f"        {a}" if a.startswith("#") else f"        {a}," for a in args]
    options = [f"\"schema\": {py_literal(t.id.schema)}"] if table_schema(t.id.schema) else []
    if t.comment is not None:
        options.append(f"\"comment\": {py_literal(t.comment)}")
    if options:
        lines.append("        {" + ", ".join(options) + "},")
    lines.append("    )")
    lines.append("")
    for col in t.columns:
        typ = column_type(model, col.type, enums)
        if typ.py == "Any" and col.shape and "json" in col.type.lower():
            typ = PyType(typ.sa, shapes.column(col.shape) if not col.type.strip().endswith("[]")
                         else f"list[{shapes.column(col.shape)}]", typ.exact)
        elif col.shape and typ.sa == "postgresql.JSONB()":
            typ = PyType(typ.sa, shapes.column(col.shape))
        nullable = col.nullable and col.identity is None and not (t.primary_key and col.name in t.primary_key.columns) \
            and not typ.not_null
        ann = typ.py if not nullable or typ.py == "Any" else f"{typ.py} | None"
        parts = []
        if c.attrs[col.name] != col.name:
            parts.append(py_literal(col.name))
        parts.append(typ.sa)
        fk = inline.get(col.name)
        if fk is not None:
            parts.append(_foreign_key(fk))
        if col.identity:
            parts.append(f"sa.Identity(always={col.identity == 'always'})")
        if col.generated:
            parts.append(f"sa.Computed({_text(col.generated)}, persisted=True)")
        if t.primary_key and col.name in t.primary_key.columns:
            parts.append("primary_key=True")
            if not col.identity:
                parts.append("autoincrement=False")  # no SERIAL: the key has a default or is given
        parts.append(f"nullable={nullable}")
        if col.default is not None:
            parts.append(f"server_default=sa.text({_text(default_text(col.default))})")
        if col.comment is not None:
            parts.append(f"comment={py_literal(col.comment)}")
        lines.append(f"    {c.attrs[col.name]}: Mapped[{ann}] = mapped_column({', '.join(parts)})")
    if t.primary_key is None:  # the ORM needs an identity: the first unique key, else the whole row
        key = t.uniques[0].columns if t.uniques else tuple(col.name for col in t.columns)
        lines.append("")
        lines.append("    __mapper_args__ = {\"primary_key\": [" + ", ".join(c.attrs[k] for k in key) + "]}")


def _text(sql: str) -> str:
    """A SQL fragment for ``sa.text()`` / DDL strings: colons escaped so none is read as a bind."""
    return py_literal(escape_colons(sql))


def escape_colons(sql: str) -> str:
    """``:name`` would be a bind parameter in ``text()``: escape every colon not part of ``::``."""
    out = []
    i = 0
    while i < len(sql):
        if sql.startswith("::", i):
            out.append("::")
            i += 2
            continue
        out.append("\\:" if sql[i] == ":" else sql[i])
        i += 1
    return "".join(out)


def _foreign_key(fk: ForeignKeyIR) -> str:
    opts = [py_literal(fk_target_text(fk))]
    opts += _fk_options(fk)
    return f"sa.ForeignKey({', '.join(opts)})"


def fk_target_text(fk: ForeignKeyIR) -> str:
    """``[schema.]table.column`` (names without dots only; see :func:`_dotless`)."""
    return _ref(fk.target.schema, fk.target.name, fk.target_columns[0])


def _fk_options(fk: ForeignKeyIR) -> list[str]:
    opts = [f"name={py_literal(fk.id.name)}"]
    if on_delete := FK_ACTIONS.get(fk.on_delete):
        opts.append(f"ondelete={py_literal(on_delete)}")
    if on_update := FK_ACTIONS.get(fk.on_update):
        opts.append(f"onupdate={py_literal(on_update)}")
    if fk.deferrable:
        opts.append("deferrable=True, initially=\"DEFERRED\"")
    if fk.match == "full":
        opts.append("match=\"FULL\"")
    return opts


def _table_args(model: Model, t: TableIR, fks: list[ForeignKeyIR], inline: dict[str, ForeignKeyIR]) -> list[str]:
    out = []
    if t.primary_key:
        out.append(f"sa.PrimaryKeyConstraint({_names(t.primary_key.columns)}, name={py_literal(t.primary_key.name)})")
    for u in t.uniques:
        nnd = ", postgresql_nulls_not_distinct=True" if u.nulls_not_distinct else ""
        out.append(f"sa.UniqueConstraint({_names(u.columns)}, name={py_literal(u.name)}{nnd})")
    for k in t.checks:
        out.append(f"sa.CheckConstraint({_text(k.expression)}, name={py_literal(k.name)})")
    for x in t.excludes:
        out += exclude_call(x)
    for fk in fks:
        if fk.columns[0] in inline and inline[fk.columns[0]] is fk:
            continue
        target = [_ref(fk.target.schema, fk.target.name, col) for col in fk.target_columns]
        out.append(f"sa.ForeignKeyConstraint([{_names(fk.columns)}], [{', '.join(map(py_literal, target))}], "
                   f"{', '.join(_fk_options(fk))})")
    for ix in model.children(t.id, Kind.INDEX):
        assert isinstance(ix, IndexIR)
        out.append(index_call(ix, "sa.Index"))
    return out


def exclude_call(x: ExclusionConstraint) -> list[str]:
    """``postgresql.ExcludeConstraint((column or text, operator), …, name=…, using=…, …)``: elements,
    operator classes (``ops``, raw SQL: quoted here), WHERE and DEFERRABLE as SQLAlchemy renders them.
    INCLUDE and an expression's operator class have no argument: a comment line before it says so
    (the migrations create the constraint whole; the model is what ``create_all`` and readers see)."""
    elements, ops, lost = [], {}, []
    for e in x.elements:
        target = py_literal(e.column) if e.column is not None else f"sa.text({_text(f'({e.expression})')})"
        elements.append(f"({target}, {py_literal(e.operator)})")
        if e.opclass and e.column is not None:
            ops[e.column] = exclusion_opclass(e.opclass)
        elif e.opclass:
            lost.append(f"operator class {e.opclass} of ({e.expression})")
    kw = [f"name={py_literal(x.name)}", f"using={py_literal(x.method)}"]
    if ops:
        kw.append("ops={" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in ops.items()) + "}")
    if x.where:
        kw.append(f"where=sa.text({_text(x.where)})")
    if x.deferrable:
        kw.append(f"deferrable=True, initially={py_literal(x.initially.upper())}")
    if x.include:
        lost.append(f"INCLUDE ({', '.join(x.include)})")
    note = [f"# {x.name} also has {'; '.join(lost)}: ExcludeConstraint has no argument for it"] if lost else []
    return [*note, f"postgresql.ExcludeConstraint({', '.join(elements + kw)})"]


def _names(cols: tuple[str, ...]) -> str:
    return ", ".join(py_literal(c) for c in cols)


def index_parts(ix: IndexIR) -> tuple[list[str], list[str]]:
    """(elements, keyword options) of an index as SQLAlchemy/Alembic arguments."""
    elements, ops = [], {}
    for e in ix.elements:
        if e.column is not None and not e.order and not e.nulls:
            elements.append(py_literal(e.column))
            if e.opclass:
                ops[e.column] = e.opclass
            continue
        text = quote_ident(e.column) if e.column is not None else f"({e.expression})"
        if e.opclass:
            text += f" {e.opclass}"
        if e.order:
            text += f" {e.order.upper()}"
        if e.nulls:
            text += f" NULLS {e.nulls.upper()}"
        elements.append(f"sa.text({_text(text)})")
    kw = []
    if ix.unique:
        kw.append("unique=True")
    if ix.method != "btree":
        kw.append(f"postgresql_using={py_literal(ix.method)}")
    if ops:
        kw.append("postgresql_ops={" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in ops.items()) + "}")
    if ix.include:
        kw.append(f"postgresql_include=[{_names(ix.include)}]")
    if ix.nulls_not_distinct:
        kw.append("postgresql_nulls_not_distinct=True")
    if ix.where:
        kw.append(f"postgresql_where=sa.text({_text(ix.where)})")
    return elements, kw


def index_call(ix: IndexIR, func: str) -> str:
    """``sa.Index(name, *elements, **options)``."""
    elements, kw = index_parts(ix)
    return f"{func}({', '.join([py_literal(ix.id.name), *elements, *kw])})"


def _relationships(model: Model, classes: dict[ObjectId, _Class], fks: list[ForeignKeyIR]) -> None:
    """``relationship()`` on both sides of every foreign key between two mapped tables."""
    pairs: dict[tuple[ObjectId, ObjectId], int] = {}
    for fk in fks:
        key = (fk.id.relation(), fk.target)
        pairs[key] = pairs.get(key, 0) + 1
    for fk in fks:
        child, parent = classes.get(fk.id.relation()), classes.get(fk.target)
        if child is None or parent is None:
            continue
        single = len(fk.columns) == 1
        base = fk.columns[0][:-3] if single and fk.columns[0].endswith("_id") and len(fk.columns[0]) > 3 \
            else parent.table.id.name
        many_name = py_name(base, child.taken, prefix="rel")
        back = child.table.id.name if pairs[(fk.id.relation(), fk.target)] == 1 else \
            f"{child.table.id.name}_by_{'_'.join(fk.columns)}"
        if parent is child:
            back = f"{back}_children" if back == child.table.id.name else back
        one_name = py_name(back, parent.taken, prefix="rel")
        fkeys = "[" + ", ".join(f"{child.name}.{child.attrs[col]}" for col in fk.columns) + "]"
        nullable = any((col := child.table.column(n)) is None or col.nullable for n in fk.columns)
        remote = ""
        if parent is child:
            sides = ", ".join(f"{parent.name}.{parent.attrs[c]}" for c in fk.target_columns)
            remote = f", remote_side=\"[{sides}]\""
        ann = f"{parent.name} | None" if nullable else parent.name
        child.lines.append(f"    {many_name}: Mapped[{ann}] = relationship(back_populates={py_literal(one_name)}, "
                           f"foreign_keys={py_literal(fkeys)}{remote})")
        parent.lines.append(f"    {one_name}: Mapped[list[{child.name}]] = relationship("
                            f"back_populates={py_literal(many_name)}, foreign_keys={py_literal(fkeys)})")


def _views(model: Model, enums: dict[ObjectId, str]) -> list[str]:
    """Each view and materialized view as a ``Table`` of ``views_metadata`` (read only)."""
    objs = [v for v in model.of_kind(*kinds_where(columns="query")) if isinstance(v, (ViewIR, MaterializedViewIR))]
    if not objs:
        return []
    cols = infer_views(model)
    out = []
    taken: set[str] = set()
    for v in objs:
        var = py_name(v.id.name if v.id.schema == "public" else f"{v.id.schema}_{v.id.name}", taken, prefix="view")
        kind = v.id.kind.value
        lines = [f"{var} = sa.Table(", f"    {py_literal(v.id.name)},", "    views_metadata,"]
        for oc in cols[v.id].columns:
            typ = catalog_type(model, oc.type, enums)
            lines.append(f"    sa.Column({py_literal(oc.name)}, {typ.sa}, nullable={oc.nullable}),")
        if table_schema(v.id.schema):
            lines.append(f"    schema={py_literal(v.id.schema)},")
        lines.append(f"    info={{\"kind\": {py_literal(kind)}}},")
        if v.comment is not None:
            lines.append(f"    comment={py_literal(v.comment)},")
        lines.append(")")
        lines.append(f'"""{_doc(v.comment or f"{kind.capitalize()} {v.id.qualified} (read only).")}"""')
        out.append("\n".join(lines))
    return out


def _doc(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').rstrip('"')
