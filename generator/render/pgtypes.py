"""Postgres type names as the catalog spells them (``integer`` → ``int4``), for database.types.ts.

Supabase's generator reads ``pg_type.typname``; the spec holds whatever the user wrote
(``timestamp with time zone``, ``varchar(20)[]``, ``public.mood``). :mod:`generator.sqlan.types`
reads it with Postgres's own grammar into a :class:`~generator.sqlan.types.TypeRef`; here is only
what TypeScript makes of the built-in ones.
"""

from __future__ import annotations

from ..sqlan.types import SERIAL_TYPES, UNKNOWN, TypeRef, type_from_node, type_ref

#: The type of a column or view column in this stage: the one resolved type reference.
PgType = TypeRef

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


def parse_type(text: str) -> TypeRef:
    """The catalog name of a type written in the spec (``UNKNOWN`` if it does not parse)."""
    return type_ref(text) or UNKNOWN


__all__ = ["SERIAL_TYPES", "TS_BUILTINS", "UNKNOWN", "PgType", "TypeRef", "parse_type", "type_from_node"]
