"""A Supabase stand-in for plain Postgres: roles, ``auth`` schema and functions, default privileges.

Verification against plain Postgres must see what production sees; above all Supabase's default
privileges, which grant every new object in ``public`` to ``anon`` and ``authenticated``. The
stand-in is installed into a verification database only and is never part of a migration.
"""

from __future__ import annotations

from importlib.resources import files

import psycopg
from psycopg import sql

STANDIN_SQL = "supabase_standin.sql"

_PRESENT_QUERY = """
select exists (select from pg_roles where rolname = 'authenticated')
   and to_regprocedure('auth.uid()') is not null
"""


def has_supabase(conn: psycopg.Connection) -> bool:
    """True when the database already has Supabase's roles and ``auth.uid()`` (real or stand-in)."""
    row = conn.execute(_PRESENT_QUERY).fetchone()
    return bool(row and row[0])


def standin_sql() -> str:
    """The stand-in's SQL text, shipped next to this module."""
    return files(__package__).joinpath(STANDIN_SQL).read_text(encoding="utf-8")


def install_supabase_standin(conn: psycopg.Connection) -> bool:
    """Install the stand-in in one transaction; False (and nothing done) if Supabase is already there."""
    if has_supabase(conn):
        return False
    with conn.transaction():
        conn.execute(standin_sql())
    return True


def ensure_roles(conn: psycopg.Connection, roles: list[str]) -> list[str]:
    """Create (NOLOGIN) each role the spec declares that the server lacks; returns those created.

    Migrations never create roles: they exist on the target. A verification server is not the
    target, so the spec's extra roles are stood in here, like Supabase's own.
    """
    created = []
    for role in roles:
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
        if not exists and role.lower() != "public":
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            created.append(role)
    return created
