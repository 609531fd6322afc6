"""Column and argument types as one resolved reference, read once with Postgres's TypeName grammar.

The spec holds whatever the user wrote (``timestamp with time zone``, ``character varying(20)[]``,
``"Public"."Mood"``, ``int``). The grammar already knows every spelling: we parse ``SELECT
(NULL::<type>)`` once per text (:func:`.parse.parse_type_name`) and keep what the catalog would
record: the type's ``typname`` (``timestamptz``, ``varchar``, ``int4``), its schema, its modifiers
and its array dimensions. Every question about a type (is it an enum's, does a change narrow it,
what does TypeScript call it) starts from a :class:`TypeRef`, so no caller normalises text by hand.

Two questions stay about the spelling, not the type: the identity of a function (its argument
types as written, lower case: history files and output names carry it) and whether a column's
declaration changed at all. :func:`spelling` is that one normal form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .nodes import names
from .parse import ParseError, parse_type_name

#: ``serial`` and friends are not types but CREATE TABLE shorthands: the integer plus a sequence.
SERIAL_TYPES = {"smallserial": "int2", "serial2": "int2", "serial": "int4", "serial4": "int4",
                "bigserial": "int8", "serial8": "int8"}

#: Built-in type names (``pg_catalog.pg_type.typname``) a spec may write unqualified. The grammar
#: qualifies the SQL-standard spellings itself (``integer`` → ``pg_catalog.int4``); these are the
#: ones it leaves alone. ``citext`` and ``vector`` are extension types Supabase's generator treats
#: as built-ins, and so do we.
BUILTIN_NAMES = frozenset({
    "bool", "bytea", "char", "name", "int2", "int4", "int8", "text", "oid", "json", "jsonb", "xml",
    "float4", "float8", "numeric", "money", "bpchar", "varchar", "date", "time", "timetz", "timestamp",
    "timestamptz", "interval", "bit", "varbit", "uuid", "inet", "cidr", "macaddr", "macaddr8",
    "point", "line", "lseg", "box", "path", "polygon", "circle", "tsvector", "tsquery", "regclass",
    "regtype", "regproc", "regprocedure", "int4range", "int8range", "numrange", "tsrange", "tstzrange",
    "daterange", "int4multirange", "int8multirange", "nummultirange", "tsmultirange",
    "tstzmultirange", "datemultirange", "record", "void", "trigger", "event_trigger", "anyelement",
    "anyarray", "citext", "vector", "pg_lsn", "jsonpath", "txid_snapshot", "pg_snapshot",
})

_INTERVAL_FULL_RANGE = 0x7FFF

TypeKind = Literal["builtin", "serial", "user"]


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A type as the catalog knows it: ``typname`` of the element type, its schema (``pg_catalog``
    for a built-in; None for an unqualified user type, resolved by the search path), modifiers as
    written (``("20",)``, ``("10", "2")``), array dimensions, and whether it was written as a
    ``serial`` (then ``name`` is the integer type) or after ``SETOF``."""

    name: str
    schema: str | None = None
    dims: int = 0
    mods: tuple[str, ...] = ()
    serial: bool = False
    setof: bool = False
    fields: int | None = None  # interval's field mask (``interval day to second``), as the grammar gives it

    @property
    def array(self) -> bool:
        """Whether it is an array type (any number of dimensions: Postgres does not count them)."""
        return self.dims > 0

    @property
    def kind(self) -> TypeKind:
        """``builtin`` (in ``pg_catalog``), ``serial`` or ``user`` (an enum, domain, composite or
        relation row type, or an extension's type: the model says which)."""
        if self.serial:
            return "serial"
        return "builtin" if self.schema == "pg_catalog" else "user"

    @property
    def is_json(self) -> bool:
        """``json`` or ``jsonb`` (element type)."""
        return self.name in ("json", "jsonb") and self.schema in (None, "pg_catalog")

    def element(self) -> TypeRef:
        """The element type of an array (the type itself otherwise)."""
        return TypeRef(self.name, self.schema, mods=self.mods, fields=self.fields)

    def as_array(self) -> TypeRef:
        """The array type of this element type."""
        return TypeRef(self.name, self.schema, max(self.dims, 1), self.mods, fields=self.fields)

    def names_type(self, schema: str, name: str) -> bool:
        """Whether this is (an array of) type ``schema.name``; an unqualified name matches in any
        schema (build has resolved it through the search path already)."""
        return self.name == name and self.schema in (None, schema)

    def resolve(self, exists: Callable[[str, str], bool], search_path: tuple[str, ...] = ("public",),
                ) -> tuple[str, str] | None:
        """The (schema, name) of the user type this names, looked up as Postgres does: the
        written schema, else the first schema of ``search_path`` where ``exists(schema, name)``;
        None for a built-in, a serial or a type no schema has (``exists`` asks the model)."""
        if self.kind != "user":
            return None
        for schema in (self.schema,) if self.schema else search_path:
            if exists(schema, self.name):
                return schema, self.name
        return None

    def key(self) -> str:
        """A canonical text: equal for every spelling of the same type (``int``/``integer``/``int4``)."""
        qual = f"{self.schema}." if self.schema else ""
        mods = f"({','.join(self.mods)})" if self.mods else ""
        if self.fields is not None:
            mods = f"[fields {self.fields}]{mods}"
        return f"{'setof ' if self.setof else ''}{qual}{self.name}{mods}{'[]' * self.dims}"


UNKNOWN = TypeRef("unknown", "pg_catalog")


def catalog(name: str) -> TypeRef:
    """The built-in type ``name`` (a ``typname``: ``int4``, ``timestamptz``)."""
    return TypeRef(name, "pg_catalog")


def _modifier(node: dict[str, Any]) -> str:
    const = node.get("A_Const", {})
    for key in ("ival", "fval", "sval"):
        if key in const:
            return str(const[key].get(key, 0))
    if "ColumnRef" in node:  # a bare word: varchar(max) is refused by Postgres, kept as written
        return ".".join(names(node["ColumnRef"].get("fields", [])))
    return "?"


def type_from_node(node: dict[str, Any]) -> TypeRef:
    """A pglast ``TypeName`` node as a :class:`TypeRef`."""
    parts = names(node.get("names", []))
    dims = len(node.get("arrayBounds", []))
    mods = tuple(_modifier(m) for m in node.get("typmods", []))
    name = parts[-1]
    schema = parts[-2] if len(parts) > 1 else None
    setof = bool(node.get("setof"))
    fields = None
    if name == "interval" and mods:  # the grammar puts the field mask first (32767: all fields)
        fields = None if mods[0] == str(_INTERVAL_FULL_RANGE) else int(mods[0])
        mods = mods[1:]
    if schema is None and name in SERIAL_TYPES:
        return TypeRef(SERIAL_TYPES[name], "pg_catalog", dims, mods, serial=True, setof=setof)
    if schema is None and name in BUILTIN_NAMES:
        schema = "pg_catalog"
    return TypeRef(name, schema, dims, mods, setof=setof, fields=fields)


@lru_cache(maxsize=16384)
def type_ref(text: str) -> TypeRef | None:
    """The type ``text`` names, or None when it is not one type name (build reports why)."""
    try:
        tree = parse_type_name(text)
    except ParseError:
        return None
    try:
        stmts = tree["stmts"]
        cast = stmts[0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["TypeCast"]
    except (KeyError, IndexError):
        return None
    if len(stmts) != 1:
        return None
    return type_from_node(cast["typeName"])


def spelling(text: str) -> str:
    """The spelling of a type as written, lower case with single spaces: the normal form of the
    text itself (a function's identity, whether a declaration changed), not of the type."""
    return " ".join(text.lower().split())


def same_type(a: str, b: str) -> bool:
    """Whether two texts name the same type (any spelling); unparseable texts compare by spelling."""
    ra, rb = type_ref(a), type_ref(b)
    if ra is None or rb is None:
        return spelling(a) == spelling(b)
    return ra == rb


def base_type(text: str) -> str:
    """The catalog name of the element type (``character varying(20)`` → ``varchar``); for a text
    that is not a type, its spelling up to the first parenthesis."""
    ref = type_ref(text)
    if ref is None:
        return spelling(text).split("(", 1)[0].strip()
    return ref.name


#: Casts that never lose or reject a value: element type → the types it widens to.
WIDENING: dict[str, frozenset[str]] = {
    "int2": frozenset({"int4", "int8", "numeric", "float4", "float8"}),
    "int4": frozenset({"int8", "numeric", "float8"}),
    "int8": frozenset({"numeric"}),
    "float4": frozenset({"float8"}),
    "varchar": frozenset({"text"}),
    "bpchar": frozenset({"text", "varchar"}),
    "citext": frozenset({"text"}),
    "timestamp": frozenset({"timestamptz"}),
    "json": frozenset({"jsonb", "text"}),
}


def _int_mods(ref: TypeRef) -> tuple[int, ...] | None:
    try:
        return tuple(int(m) for m in ref.mods) if ref.mods else None
    except ValueError:
        return None


def _mods_widen(old: TypeRef, new: TypeRef) -> bool:
    """Whether ``new``'s modifiers keep every value of ``old``'s (same element type)."""
    so, sn = _int_mods(old), _int_mods(new)
    if sn is None and not new.mods:
        return True  # unconstrained: varchar, numeric, timestamp keep everything
    if so is None or sn is None:
        return False
    if old.name == "numeric":
        po, scale_o = so[0], (so[1] if len(so) > 1 else 0)
        pn, scale_n = sn[0], (sn[1] if len(sn) > 1 else 0)
        return scale_n >= scale_o and pn - scale_n >= po - scale_o
    return sn[0] >= so[0]


def type_narrows(old: str, new: str) -> bool:
    """Whether casting a column from ``old`` to ``new`` can lose or reject data."""
    ro, rn = type_ref(old), type_ref(new)
    if ro is None or rn is None:
        return spelling(old) != spelling(new)
    if ro == rn:
        return False
    if ro.dims != rn.dims or (ro.kind == "user") != (rn.kind == "user"):
        return True
    if (ro.name, ro.schema) == (rn.name, rn.schema):
        return not _mods_widen(ro, rn)
    if rn.name in WIDENING.get(ro.name, frozenset()):
        if not rn.mods:
            return False
        so, sn = _int_mods(ro), _int_mods(rn)  # char(10) → varchar(5) cuts; int4 → numeric(5) overflows
        return so is None or sn is None or sn[0] < so[0]
    return True


def type_change_rewrites(old: str, new: str) -> bool:
    """Whether ``ALTER COLUMN … TYPE`` from ``old`` to ``new`` rewrites the table (and its indexes).

    Known binary-coercible changes do not: the same type spelt differently, a longer or unlimited
    ``varchar``, ``varchar`` to ``text``, a ``numeric`` with more precision and the same scale, or
    an unconstrained one. Anything else is assumed to rewrite.
    """
    ro, rn = type_ref(old), type_ref(new)
    if ro is None or rn is None:
        return spelling(old) != spelling(new)
    if ro == rn:
        return False
    if ro.dims != rn.dims or ro.kind != "builtin" or rn.kind != "builtin":
        return True
    so, sn = _int_mods(ro), _int_mods(rn)
    if ro.name == "varchar" and (rn.name == "text" or (
            rn.name == "varchar" and (sn is None or (so is not None and so[0] <= sn[0])))):
        return False
    if ro.name == rn.name == "numeric":
        if sn is None:
            return False
        if so is not None and len(so) == len(sn) == 2 and so[1] == sn[1] and sn[0] >= so[0]:
            return False
    return True
