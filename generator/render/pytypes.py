"""SQL types as SQLAlchemy type expressions and Python annotations (models.py and Alembic revisions).

A type the table below does not know is kept exactly as written: models.py wraps it in a
``PgType`` (a ``UserDefinedType`` whose DDL is the spec's text); a revision then creates its table
with the rendered SQL instead of ``op.create_table`` (it cannot import models.py: a revision is
frozen when written, the models are not).
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass

from ..ir.ids import ObjectId
from ..ir.model import EnumIR, Model
from ..kinds import Kind
from ..kinds.domain import DomainIR
from .pgtypes import PgType, parse_type

#: catalog type name → (SQLAlchemy expression, Python annotation); ``{0}``/``{1}`` take numeric modifiers.
BUILTINS: dict[str, tuple[str, str]] = {
    "text": ("sa.Text()", "str"),
    "uuid": ("sa.Uuid()", "_uuid.UUID"),
    "int2": ("sa.SmallInteger()", "int"),
    "int4": ("sa.Integer()", "int"),
    "int8": ("sa.BigInteger()", "int"),
    "bool": ("sa.Boolean()", "bool"),
    "float4": ("sa.REAL()", "float"),
    "float8": ("sa.Double()", "float"),
    "date": ("sa.Date()", "_dt.date"),
    "timestamptz": ("sa.DateTime(timezone=True)", "_dt.datetime"),
    "timestamp": ("sa.DateTime()", "_dt.datetime"),
    "timetz": ("sa.Time(timezone=True)", "_dt.time"),
    "time": ("sa.Time()", "_dt.time"),
    "interval": ("postgresql.INTERVAL()", "_dt.timedelta"),
    "jsonb": ("postgresql.JSONB()", "Any"),
    "json": ("postgresql.JSON()", "Any"),
    "bytea": ("postgresql.BYTEA()", "bytes"),
    "inet": ("postgresql.INET()", "str"),
    "cidr": ("postgresql.CIDR()", "str"),
    "citext": ("postgresql.CITEXT()", "str"),
    "tstzrange": ("postgresql.TSTZRANGE()", "Any"),
    "tsrange": ("postgresql.TSRANGE()", "Any"),
    "daterange": ("postgresql.DATERANGE()", "Any"),
    "int4range": ("postgresql.INT4RANGE()", "Any"),
    "int8range": ("postgresql.INT8RANGE()", "Any"),
    "numrange": ("postgresql.NUMRANGE()", "Any"),
    "name": ("sa.Text()", "str"),
}
_SIZED = {"varchar": ("sa.String({0})", "sa.String()", "str"),
          "bpchar": ("sa.CHAR({0})", "sa.CHAR()", "str"),
          "numeric": ("sa.Numeric({0})", "sa.Numeric()", "_decimal.Decimal")}


@dataclass(frozen=True, slots=True)
class PyType:
    """A column type in Python: the SQLAlchemy expression, the annotation, and whether it is exact.

    ``exact`` is False when the expression is a ``PgType`` carrying the SQL text (an unknown type):
    Alembic revisions then fall back to the rendered SQL.
    """

    sa: str
    py: str
    exact: bool = True
    enum: ObjectId | None = None
    #: a NOT NULL domain: its columns are NOT NULL whatever they declare
    not_null: bool = False


def py_literal(text: str) -> str:
    """A Python string literal for ``text`` (double quotes, escapes as JSON does, valid Python)."""
    return json.dumps(text, ensure_ascii=False).replace("\\/", "/")


def enum_id(model: Model, t: PgType) -> ObjectId | None:
    """The enum of ``model`` a catalog type names (unqualified names resolve to ``public``)."""
    found = t.resolve(lambda schema, name: isinstance(model.objects.get(ObjectId(Kind.TYPE, schema, name)), EnumIR))
    return ObjectId(Kind.TYPE, *found) if found else None


def _domain(model: Model, t: PgType) -> DomainIR | None:
    """The domain of ``model`` a catalog type (or its element type) names, resolved as the enums are."""
    found = t.resolve(lambda schema, name: isinstance(model.objects.get(ObjectId(Kind.DOMAIN, schema, name)),
                                                      DomainIR))
    obj = model.objects.get(ObjectId(Kind.DOMAIN, *found)) if found else None
    return obj if isinstance(obj, DomainIR) else None


def _domain_type(model: Model, t: PgType, domain: DomainIR, enum_classes: dict[ObjectId, str]) -> PyType:
    """A column of a domain: ``postgresql.DOMAIN`` over its base type's SQLAlchemy type (what
    SQLAlchemy reflects, so Alembic compares them equal), annotated as the base type; not exact
    (revisions create such a table with the SQL, and never the domain itself)."""
    base = column_type(model, domain.type, enum_classes)
    schema = f", schema={py_literal(domain.id.schema)}" if domain.id.schema != "public" else ""
    sa_expr = f"postgresql.DOMAIN({py_literal(domain.id.name)}, {base.sa}{schema}, create_type=False)"
    if t.array:
        return PyType(f"postgresql.ARRAY({sa_expr})", f"list[{base.py}]", exact=False, enum=base.enum)
    return PyType(sa_expr, base.py, exact=False, enum=base.enum, not_null=domain.not_null)


def column_type(model: Model, sql: str, enum_classes: dict[ObjectId, str]) -> PyType:
    """The SQLAlchemy type of a column declared with SQL type ``sql``."""
    t = parse_type(sql)
    domain = _domain(model, t)
    if domain is not None and t.dims <= 1:
        return _domain_type(model, t, domain, enum_classes)
    py = _element(model, t, ",".join(t.mods) if t.mods else None, enum_classes)
    if py is None:
        return PyType(f"PgType({py_literal(sql.strip())})", "Any", exact=False)
    if t.array:
        dims = t.dims
        dim = f", dimensions={dims}" if dims > 1 else ""
        ann = py.py
        for _ in range(dims):
            ann = f"list[{ann}]"
        return PyType(f"postgresql.ARRAY({py.sa}{dim})", ann, py.exact, py.enum)
    return py


def catalog_type(model: Model, t: PgType | None, enum_classes: dict[ObjectId, str]) -> PyType:
    """The SQLAlchemy type of a view column whose catalog type is ``t`` (None: unknown)."""
    if t is None:
        return PyType("sa.types.NullType()", "Any", exact=False)
    domain = _domain(model, t)
    if domain is not None:
        return _domain_type(model, t, domain, enum_classes)
    py = _element(model, t, None, enum_classes)
    if py is None:
        name = f"{t.schema}.{t.name}" if t.schema and t.schema != "pg_catalog" else t.name
        return PyType(f"PgType({py_literal(name + ('[]' if t.array else ''))})", "Any", exact=False)
    if t.array:
        return PyType(f"postgresql.ARRAY({py.sa})", f"list[{py.py}]", py.exact, py.enum)
    return py


#: serial types are integers whose default is a sequence the SQL creates: models.py types them as the
#: integer; a revision creates them with the SQL (``exact`` is False).
_SERIAL = {"int2": "sa.SmallInteger()", "int4": "sa.Integer()", "int8": "sa.BigInteger()"}


def _element(model: Model, t: PgType, mods: str | None, enum_classes: dict[ObjectId, str]) -> PyType | None:
    if t.serial:
        return PyType(_SERIAL[t.name], "int", exact=False)
    if t.schema in (None, "pg_catalog"):
        if t.name in _SIZED:
            sized, bare, ann = _SIZED[t.name]
            return PyType(sized.format(mods) if mods else bare, ann)
        if t.name in BUILTINS and not mods:
            sa_expr, ann = BUILTINS[t.name]
            return PyType(sa_expr, ann)
    if t.schema != "pg_catalog":
        eid = enum_id(model, t)
        if eid is not None and eid in enum_classes:
            enum = model.objects[eid]
            assert isinstance(enum, EnumIR)
            cls = enum_classes[eid]
            schema = f"schema={py_literal(eid.schema)}, " if eid.schema != "public" else ""
            return PyType(f"sa.Enum({cls}, name={py_literal(eid.name)}, {schema}"
                          "create_type=False, native_enum=True, values_callable=_enum_values)", cls, enum=eid)
    return None


_RESERVED = {"metadata", "registry", "query", "query_class", "Any", "sa", "postgresql", "orm"}


def py_name(name: str, taken: set[str], *, prefix: str = "x") -> str:
    """A Python identifier for a database name, unique within ``taken`` (which it joins)."""
    out = re.sub(r"\W", "_", name, flags=re.ASCII) or prefix
    if out[0].isdigit():
        out = f"{prefix}_{out}"
    if keyword.iskeyword(out) or out in _RESERVED or out.startswith("__"):
        out = f"{out}_"
    base, n = out, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def class_name(name: str, taken: set[str]) -> str:
    """A CamelCase class name for a database name, unique within ``taken``."""
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", name) if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts) or "Relation"
    if out[0].isdigit():
        out = f"T{out}"
    if keyword.iskeyword(out) or out in _RESERVED or out in {"Base", "PgType", "TypedDict", "NotRequired",
                                                                 "Literal", "Mapped", "Enum"}:
        out = f"{out}Row"
    base, n = out, 2
    while out in taken:
        out, n = f"{base}{n}", n + 1
    taken.add(out)
    return out
