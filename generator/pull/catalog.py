"""A connection to the live database as ``pull`` reads it: which schemas, Supabase or not, ACLs.

Every catalog query of a kind module runs through :class:`Catalog`, with ``search_path`` pinned
to ``pg_catalog`` so that Postgres deparses every name outside ``pg_catalog`` schema-qualified
(defaults, checks, policies, view queries, types): the pulled spec means the same thing
whatever search_path its migrations later run with. ``DateStyle`` is pinned to ISO for the same
reason (constants in defaults and partition bounds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ..quoting import quote_ident

#: Schemas that belong to Supabase itself (or Postgres): never pulled, named under ``external:``.
SUPABASE_SCHEMAS = (
    "auth", "storage", "realtime", "_realtime", "extensions", "graphql", "graphql_public", "vault",
    "supabase_functions", "supabase_migrations", "pgsodium", "pgsodium_masks", "net", "cron", "pgbouncer",
    "pgtle", "_analytics", "_supavisor", "pg_net", "topology", "tiger", "tiger_data", "pgmq",
)
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
SUPABASE_ROLES = ("anon", "authenticated", "service_role")


@dataclass(frozen=True, slots=True, order=True)
class Unsupported:
    """An object the spec language cannot represent: pull exits 4 and lists it."""

    kind: str
    name: str
    why: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" + (f" ({self.why})" if self.why else "")


@dataclass(slots=True)
class Catalog:
    """The database being pulled, the schemas chosen, and what was found that cannot be pulled."""

    conn: psycopg.Connection
    schemas: tuple[str, ...]
    supabase: bool
    roles: tuple[str, ...]  # roles the spec declares (those that exist, Supabase's API roles first)
    owner_roles: frozenset[str] = frozenset()
    server_version: int = 0
    unsupported: list[Unsupported] = field(default_factory=list)
    referenced: set[tuple[str, str]] = field(default_factory=set)  # (schema, name) outside the pull
    #: every partition read with its table: (schema, name) → its table, qualified (children declared on
    #: a partition are reported as such)
    partitions: dict[tuple[str, str], str] = field(default_factory=dict)

    def rows(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of ``query`` as dicts; ``%(schemas)s`` is the list of pulled schemas."""
        args = {"schemas": list(self.schemas), **(params or {})}
        with self.conn.cursor(row_factory=dict_row) as cur:
            return list(cur.execute(query, args).fetchall())

    def skip(self, kind: str, name: str, why: str = "") -> None:
        """Record an object the language cannot represent."""
        self.unsupported.append(Unsupported(kind, name, why))


def qualified(schema: str, name: str) -> str:
    """``schema.name`` as Postgres quotes it (for messages and external names)."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def not_extension_member(catalog: str, oid: str) -> str:
    """SQL condition: the object does not belong to an extension."""
    return (f"not exists (select from pg_depend e where e.classid = '{catalog}'::regclass "
            f"and e.objid = {oid} and e.deptype = 'e')")


def is_supabase(conn: psycopg.Connection) -> bool:
    """Supabase (or its stand-in): its API roles and an ``auth`` schema exist."""
    row = conn.execute(
        "select (select count(*) from pg_roles where rolname = any(%s)) = 3 "
        "and exists (select from pg_namespace where nspname = 'auth')", (list(SUPABASE_ROLES),)).fetchone()
    return bool(row and row[0])


def default_schemas(conn: psycopg.Connection, supabase: bool) -> tuple[str, ...]:
    """Every non-system schema that no extension owns; Supabase's own ones left out on Supabase."""
    rows = conn.execute(
        f"""select n.nspname from pg_namespace n
            where n.nspname <> all(%s) and n.nspname !~ '^pg_(toast_)?temp_' and n.nspname !~ '^pg_toast'
              and {not_extension_member("pg_namespace", "n.oid")}
            order by 1""", (list(SYSTEM_SCHEMAS),)).fetchall()
    names = [r[0] for r in rows]
    if supabase:
        names = [n for n in names if n not in SUPABASE_SCHEMAS]
    return tuple(names)


def open_catalog(conn: psycopg.Connection, schemas: Iterable[str] | None = None) -> Catalog:
    """Inspect ``conn``: Supabase or not, the schemas to pull, the roles the spec may name."""
    conn.execute("select set_config('search_path', 'pg_catalog', false)")
    # constants (defaults, partition bounds) are printed in one reading: ISO dates, whatever the role's
    # DateStyle (an ambiguous 01/02/2026 would not mean the same date to every later session)
    conn.execute("select set_config('DateStyle', 'ISO, MDY', false), set_config('IntervalStyle', 'postgres', false)")
    supabase = is_supabase(conn)
    chosen = tuple(schemas) if schemas else default_schemas(conn, supabase)
    role_rows = conn.execute("select rolname from pg_roles where rolname !~ '^pg_' order by 1").fetchall()
    existing = [r[0] for r in role_rows]
    return Catalog(conn=conn, schemas=chosen, supabase=supabase, roles=tuple(existing),
                   server_version=conn.info.server_version)
