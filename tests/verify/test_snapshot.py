"""Catalog snapshots: equal for equal SQL, and each kind of drift shows up as one readable difference."""

from __future__ import annotations

import time

import psycopg
import pytest

from generator.verify.backends import Server
from generator.verify.snapshot import Difference, Snapshot, diff_snapshots, take_snapshot
from generator.verify.standin import install_supabase_standin

pytestmark = pytest.mark.pg

SCHEMA_SQL = """
create extension if not exists citext;
create type public.user_role as enum ('user', 'assistant');
create table public.messages (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid(),
  role public.user_role not null default 'user',
  model_used text,
  email public.citext,
  constraint messages_role_check check (role is not null)
);
create index messages_model_used_idx on public.messages (model_used);
alter table public.messages enable row level security;
create policy "Users read" on public.messages for select to authenticated
  using ((select auth.uid()) = user_id);
create function public.increment_usage_metrics(p_user uuid, p_model uuid, p_tokens integer)
  returns void language plpgsql security definer set search_path = '' as $$ begin null; end $$;
create function public.set_updated_at() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger set_updated_at before update on public.messages
  for each row execute function public.set_updated_at();
create view public.current_day_usage with (security_invoker = true) as
  select user_id, count(*) from public.messages group by 1;
create materialized view public.monthly_usage_summary as
  select user_id, count(*) from public.messages group by 1;
create schema private;
create table "We""ird"."x" (id int) ;
"""


@pytest.fixture
def built(conn: psycopg.Connection) -> psycopg.Connection:
    """``conn`` with the stand-in and SCHEMA_SQL applied."""
    install_supabase_standin(conn)
    conn.execute('create schema "We""ird"')
    conn.execute(SCHEMA_SQL)
    return conn


def test_keys_cover_every_kind(built: psycopg.Connection) -> None:
    snap = take_snapshot(built)
    for key in (
        "table public.messages",
        "column public.messages.role",
        "index public.messages_model_used_idx",
        "constraint public.messages.messages_role_check",
        'policy public.messages."Users read"',
        "function public.increment_usage_metrics(uuid, uuid, integer)",
        "trigger public.messages.set_updated_at",
        "view public.current_day_usage",
        "materialized view public.monthly_usage_summary",
        "sequence public.messages_id_seq",
        "type public.user_role",
        "schema private",
        "extension citext",
        "grant table public.messages to anon",
        'table "We""ird".x',
    ):
        assert key in snap, key
    assert snap["type public.user_role"]["labels"] == ("user", "assistant")
    assert snap["table public.messages"]["rls"] is True
    assert snap["view public.current_day_usage"]["options"] == ("security_invoker=true",)
    assert snap["materialized view public.monthly_usage_summary"]["populated"] is True
    assert snap['policy public.messages."Users read"']["roles"] == ("authenticated",)
    fn = snap["function public.increment_usage_metrics(uuid, uuid, integer)"]
    assert fn["security_definer"] is True and fn["config"] == ('search_path=""',)
    assert not [k for k in snap if k.startswith("function public.citext")]  # extension members left out


def test_same_sql_in_two_databases_gives_equal_snapshots(
    built: psycopg.Connection, pg_server: Server
) -> None:
    first = take_snapshot(built)
    with pg_server.new_database() as other, psycopg.connect(other.dsn, autocommit=True) as c:
        install_supabase_standin(c)
        c.execute('create schema "We""ird"')
        c.execute(SCHEMA_SQL)
        second = take_snapshot(c)
    assert diff_snapshots(first, second) == []
    assert first == second


def _drift(conn: psycopg.Connection, statement: str) -> list[str]:
    before = take_snapshot(conn)
    conn.execute(statement)
    return [str(d) for d in diff_snapshots(before, take_snapshot(conn))]


def test_detects_added_index(built: psycopg.Connection) -> None:
    assert _drift(built, "create index messages_user_id_idx on public.messages (user_id)") == [
        "leaves index public.messages_user_id_idx"
    ]


def test_detects_dropped_policy(built: psycopg.Connection) -> None:
    assert _drift(built, 'drop policy "Users read" on public.messages') == [
        'removes policy public.messages."Users read"'
    ]


def test_detects_changed_column_default(built: psycopg.Connection) -> None:
    assert _drift(built, "alter table public.messages alter column role set default 'assistant'") == [
        "changes column public.messages.role "
        "(default: 'user'::public.user_role → 'assistant'::public.user_role)"
    ]


def test_detects_revoked_grant(built: psycopg.Connection) -> None:
    changes = _drift(built, "revoke delete, truncate on public.messages from authenticated")
    assert len(changes) == 1
    assert changes[0].startswith("changes grant table public.messages to authenticated (privileges: [")
    assert _drift(built, "revoke all on public.messages from anon") == [
        "removes grant table public.messages to anon"
    ]


def test_detects_policy_and_function_changes(built: psycopg.Connection) -> None:
    changes = _drift(built, 'alter policy "Users read" on public.messages using (true)')
    assert changes == [
        'changes policy public.messages."Users read" (using: (( SELECT auth.uid() AS uid) = user_id) → true)'
    ]
    changes = _drift(built, "alter function public.set_updated_at() security definer")
    assert len(changes) == 1 and "security_definer: False → True" in changes[0]


def test_rls_and_view_options(built: psycopg.Connection) -> None:
    assert _drift(built, "alter table public.messages disable row level security") == [
        "changes table public.messages (rls: True → False)"
    ]
    assert _drift(built, "alter view public.current_day_usage reset (security_invoker)") == [
        "changes view public.current_day_usage (options: [security_invoker=true] → none)"
    ]


def test_difference_order_and_text() -> None:
    before = Snapshot({"b": {"x": 1}, "c": {}, "a": {"x": 1}})
    after = Snapshot({"a": {"x": 2}, "b": {"x": 1}, "d": {}})
    assert diff_snapshots(before, after) == [
        Difference(kind="changed", key="a", detail="x: 1 → 2"),
        Difference(kind="removed", key="c"),
        Difference(kind="added", key="d"),
    ]
    assert diff_snapshots(before, after, ignore={"x"})[0].kind == "removed"


def test_snapshot_is_fast(built: psycopg.Connection) -> None:
    take_snapshot(built)
    start = time.perf_counter()
    take_snapshot(built)
    assert time.perf_counter() - start < 0.5  # typically ~25 ms


def test_search_path_restored(built: psycopg.Connection) -> None:
    built.execute("set search_path to private, public")
    take_snapshot(built)
    assert built.execute("show search_path").fetchone()[0] == "private, public"
