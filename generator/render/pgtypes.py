"""Postgres type names as the catalog spells them (``integer`` → ``int4``), for database.types.ts.

Supabase's generator reads ``pg_type.typname``; the spec holds whatever the user wrote
(``timestamp with time zone``, ``varchar(20)[]``, ``public.mood``). pglast's parser applies the
same grammar Postgres does, so we ask it instead of keeping a list of spellings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pglast.parser import ParseError, parse_sql_json

#: Type names the grammar does not normalise but CREATE TABLE accepts, as their real type.
SERIAL_TYPES = {"smallserial": "int2", "serial2": "int2", "serial": "int4", "serial4": "int4",
                "bigserial": "int8", "serial8": "int8"}

#: Supabase's mapping of built-in types (postgres-meta ``pgTypeToTsType``); anything else that is
#: not an enum, composite or relation of an exposed schema is ``unknown``.
TS_BUILTINS: dict[str, str] = {
    "bool": "boolean",
    **dict.fromkeys(("int2", "int4", "int8", "float4", "float8", "numeric"), "number"),
    **dict.fromkeys(("bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz",
                     "timestamp", "timestamptz", "uuid", "vector", "interval"), "string"),
    "json": "Json",
    "jsonb": "Json",
    "void": "undefined",
    "record": "Record<string, unknown>",
}


#: types of TS_BUILTINS that extensions create, in whatever schema they are installed into
EXTENSION_TYPES = frozenset({"citext", "vector"})


@dataclass(frozen=True, slots=True)
class PgType:
    """A type as the catalog names it: ``typname`` of the element, its schema if written, array or not."""

    name: str
    schema: str | None = None
    array: bool = False
    serial: bool = False

    def element(self) -> PgType:
        return PgType(self.name, self.schema)

    def as_array(self) -> PgType:
        return PgType(self.name, self.schema, True)

    @property
    def is_json(self) -> bool:
        return self.name in ("json", "jsonb") and self.schema in (None, "pg_catalog")


UNKNOWN = PgType("unknown", "pg_catalog")


@lru_cache(maxsize=4096)
def parse_type(text: str) -> PgType:
    """The catalog name of a type written in the spec (``UNKNOWN`` if it does not parse)."""
    try:
        tree = json.loads(parse_sql_json(f"SELECT NULL::{text}"))
    except ParseError:
        return UNKNOWN
    node = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["TypeCast"]["typeName"]
    return type_from_node(node)


def type_from_node(node: dict[str, Any]) -> PgType:
    """A pglast ``TypeName`` node as a :class:`PgType`."""
    names = [n["String"]["sval"] for n in node.get("names", [])]
    array = bool(node.get("arrayBounds"))
    name = names[-1]
    schema = names[-2] if len(names) > 1 else None
    if schema is None and name in SERIAL_TYPES:
        return PgType(SERIAL_TYPES[name], "pg_catalog", array, serial=True)
    if name == "timestamptz" or (schema is None and name in TS_BUILTINS):
        schema = "pg_catalog"
    return PgType(name, schema, array)
