"""The Supabase stand-in: installs once, auth functions read JWT claims, default privileges bite."""

from __future__ import annotations

import psycopg
import pytest

from generator.verify.backends import Server
from generator.verify.standin import has_supabase, install_supabase_standin

pytestmark = pytest.mark.pg

SUB = "2b0f6a0e-5a4c-4c55-9f3e-8e0f3a1c2d4b"


def test_installs_once_and_is_idempotent(conn: psycopg.Connection) -> None:
    assert not has_supabase(conn)
    assert install_supabase_standin(conn) is True
    assert has_supabase(conn)
    assert install_supabase_standin(conn) is False
    rows = conn.execute(
        "select rolname, rolcanlogin, rolbypassrls from pg_roles "
        "where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')"
    ).fetchall()
    roles = {name: (login, bypass) for name, login, bypass in rows}
    assert roles == {
        "anon": (False, False),
        "authenticated": (False, False),
        "service_role": (False, True),
        "authenticator": (True, False),
    }


def test_second_database_on_same_server_gets_it_too(pg_server: Server, conn: psycopg.Connection) -> None:
    install_supabase_standin(conn)  # roles now exist on the server
    with pg_server.new_database() as other, psycopg.connect(other.dsn, autocommit=True) as c:
        assert install_supabase_standin(c) is True
        assert c.execute("select to_regclass('auth.users') is not null").fetchone()[0]


def test_auth_uid_reads_sub_claim(conn: psycopg.Connection) -> None:
    install_supabase_standin(conn)
    with conn.transaction():
        assert conn.execute("select auth.uid()").fetchone()[0] is None
    with conn.transaction():
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (f'{{"sub": "{SUB}", "role": "authenticated", "email": "a@b.c"}}',),
        )
        row = conn.execute("select auth.uid(), auth.role(), auth.jwt(), auth.email()").fetchone()
        uid, role, jwt, email = row
        assert str(uid) == SUB
        assert role == "authenticated"
        assert jwt["sub"] == SUB
        assert email == "a@b.c"
    with conn.transaction():
        conn.execute("select set_config('request.jwt.claim.sub', %s, true)", (SUB,))  # legacy GUC
        assert str(conn.execute("select auth.uid()").fetchone()[0]) == SUB


def test_api_roles_can_call_auth_functions(conn: psycopg.Connection) -> None:
    install_supabase_standin(conn)
    with conn.transaction():
        conn.execute("set local role anon")
        assert conn.execute("select auth.uid()").fetchone()[0] is None


def test_default_privileges_expose_new_tables(conn: psycopg.Connection) -> None:
    """The danger the generator must handle: a new table in public is readable by the API roles."""
    install_supabase_standin(conn)
    conn.execute("create table public.secrets (id int primary key, body text)")
    conn.execute("insert into public.secrets values (1, 'x')")
    for role in ("anon", "authenticated"):
        with conn.transaction():
            conn.execute(f"set local role {role}")
            assert ("x",) in conn.execute("select body from public.secrets").fetchall()
            conn.execute("insert into public.secrets values (2, 'y') on conflict do nothing")
    conn.execute("revoke all on public.secrets from anon")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("set local role anon")
        conn.execute("select body from public.secrets")


def test_auth_users_not_exposed(conn: psycopg.Connection) -> None:
    install_supabase_standin(conn)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("set local role authenticated")
        conn.execute("select * from auth.users")


def test_searches_extensions_like_supabase(pg_server: Server, conn: psycopg.Connection) -> None:
    """Supabase's search_path is "$user", public, extensions: an extension's type named unqualified
    (citext installed into ``extensions``) resolves in this session and in the database's next ones."""
    install_supabase_standin(conn)
    assert conn.execute("show search_path").fetchone()[0] == '"$user", public, extensions'
    conn.execute("create extension citext schema extensions")
    conn.execute("create table public.handles (name citext primary key)")
    conn.execute("insert into public.handles values ('Alice')")
    with psycopg.connect(conn.info.dsn, autocommit=True) as later:
        assert later.execute("select count(*) from public.handles where name = 'ALICE'::citext").fetchone()[0] == 1
