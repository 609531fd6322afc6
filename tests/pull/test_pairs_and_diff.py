"""Pairs of databases (pull old, pull new over it, migrate: old → new and back), and diff against a live one."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.migrate import migrate
from generator.pull.drift import diff
from generator.verify.backends import Server
from generator.verify.snapshot import diff_snapshots
from tests.pull.helpers import apply, prepare, pull_into, snapshot

pytestmark = pytest.mark.pg

BASE = """
create schema app;
create type public.mood as enum ('happy', 'sad');
create table public.teams (id uuid primary key default gen_random_uuid(), name text not null unique);
create table public.notes (
  id bigint generated always as identity primary key,
  team_id uuid not null references public.teams (id) on delete cascade,
  owner uuid not null,
  body text not null check (length(body) > 0),
  mood public.mood,
  created_at timestamptz not null default now()
);
alter table public.notes enable row level security;
create index notes_team_id_created_at_idx on public.notes (team_id, created_at desc);
create policy "owners read" on public.notes for select to authenticated using ((select auth.uid()) = owner);
create function public.touch() returns trigger language plpgsql as $$
begin
  new.created_at := now();
  return new;
end;
$$;
create view public.note_bodies with (security_invoker = true) as select id, body from public.notes;
grant select on public.notes to authenticated;
revoke all on public.notes from anon;
"""

#: (id, SQL making "old" from BASE, SQL making "new" from BASE): one per kind and kind of change.
PAIRS = [
    ("column-add", "", "alter table public.notes add column title text;"),
    ("column-drop", "alter table public.notes add column title text;", ""),
    ("column-type-default", "", "alter table public.notes alter column body set default 'x';"
                                " alter table public.notes alter column mood type text;"),
    ("index-add-drop-change", "", "drop index public.notes_team_id_created_at_idx;"
                                  " create index notes_live_idx on public.notes (owner) include (body)"
                                  " where mood is not null;"),
    ("policy-alter-add", "", "alter policy \"owners read\" on public.notes using (owner = (select auth.uid()) and"
                             " mood is not null); create policy \"owners write\" on public.notes for insert"
                             " to authenticated with check ((select auth.uid()) = owner);"),
    ("function-trigger", "", "create or replace function public.touch() returns trigger language plpgsql as $$\n"
                             "begin\n  new.body := trim(new.body);\n  return new;\nend;\n$$;"
                             " create trigger notes_touch before update on public.notes for each row"
                             " execute function public.touch();"),
    ("view-matview", "", "create or replace view public.note_bodies with (security_invoker = true) as"
                         " select id, body, owner from public.notes;"
                         " create materialized view public.team_counts as select team_id, count(*) as n"
                         " from public.notes group by team_id;"
                         " create unique index team_counts_team_id_idx on public.team_counts (team_id);"),
    ("grants-comments", "", "grant insert, update (body) on public.notes to authenticated;"
                            " revoke select on public.notes from authenticated;"
                            " comment on table public.notes is 'Notes.'; comment on column public.notes.body"
                            " is 'Text.'; revoke all on sequence public.notes_id_seq from anon;"),
    ("enum-sequence-schema", "", "alter type public.mood add value 'calm';"
                                 " create sequence app.ticket_no as integer start 100;"
                                 " grant usage on schema app to authenticated;"),
    ("constraints-rls", "", "alter table public.notes add constraint notes_body_short check (length(body) < 1000);"
                            " alter table public.teams add column parent uuid references public.teams (id)"
                            " deferrable;"
                            " alter table public.notes force row level security;"),
    ("collation", "", "alter table public.teams alter column name type text collate \"C\";"
                      " alter table public.teams add column code text collate \"POSIX\";"),
    ("realtime", "", "alter publication supabase_realtime add table public.notes;"),
    ("extension-version", "", "create extension citext with schema app version '1.4';"),
    ("drops", "create table app.extra (id int primary key); create view app.extra_ids with"
              " (security_invoker = true) as select id from app.extra;"
              " create trigger notes_touch before update on public.notes for each row execute function public.touch();"
              " create policy \"extra\" on public.notes for delete to authenticated using (false);"
              " create index notes_owner_idx on public.notes (owner); create type app.kind as enum ('a');"
              " create sequence app.s;", ""),
    ("table-add", "", "create table app.tags (id bigint generated by default as identity primary key,"
                      " label text not null); alter table app.tags enable row level security;"
                      " grant select on app.tags to authenticated;"),
]


def _db(server: Server, sql: str) -> tuple[str, object]:
    ctx = server.new_database()
    db = ctx.__enter__()
    with psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "base.sql", BASE)
        if sql:
            apply(c, "change.sql", sql)
    return db.dsn, ctx


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[0])
def test_pair_migrates_old_to_new_and_back(pair: tuple[str, str, str], pg_server: Server, tmp_path: Path) -> None:
    _id, old_sql, new_sql = pair
    old_dsn, old_ctx = _db(pg_server, old_sql)
    new_dsn, new_ctx = _db(pg_server, new_sql)
    try:
        old_snap, new_snap = snapshot(old_dsn), snapshot(new_dsn)
        spec, out = pull_into(old_dsn, tmp_path)
        pull_into(new_dsn, tmp_path)  # over the same spec: out/ keeps the history of the old database
        done = migrate(spec, out, "change", allow_destructive=True)
        up, down = done.files
        with psycopg.connect(old_dsn, autocommit=True) as c:
            apply(c, up, (out / up).read_text(encoding="utf-8"))
        assert [str(d) for d in diff_snapshots(new_snap, snapshot(old_dsn))] == []
        with psycopg.connect(old_dsn, autocommit=True) as c:
            apply(c, down, (out / down).read_text(encoding="utf-8"))
        assert [str(d) for d in diff_snapshots(old_snap, snapshot(old_dsn))] == []
    finally:
        old_ctx.__exit__(None, None, None)  # type: ignore[attr-defined]
        new_ctx.__exit__(None, None, None)  # type: ignore[attr-defined]


def test_diff_names_each_drift(pg_server: Server, tmp_path: Path) -> None:
    """diff exits 0 on the database a spec was pulled from, and names a dropped index, an altered policy
    and an extra grant."""
    dsn, ctx = _db(pg_server, "")
    try:
        spec, out = pull_into(dsn, tmp_path)
        assert not diff(dsn, spec, out, server=pg_server)
        changes = [
            ("drop index public.notes_team_id_created_at_idx", "index public.notes_team_id_created_at_idx"),
            ("alter policy \"owners read\" on public.notes to authenticated using (true)",
             "policy public.notes.owners read"),
            ("grant delete on public.notes to anon", "table public.notes"),
        ]
        for sql, named in changes:
            with psycopg.connect(dsn, autocommit=True) as c:
                apply(c, "drift.sql", sql)
            drift = diff(dsn, spec, out, server=pg_server)
            assert drift, sql
            assert named in [o["object"] for o in drift.objects()], drift.objects()
        report = json.loads(drift.to_json())
        assert report["drift"] is True and "REVOKE" in report["migration"] + report["rollback"]
        result = CliRunner().invoke(app, ["diff", "--dsn", dsn, "--spec", str(spec), "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert "index public.notes_team_id_created_at_idx" in result.output
    finally:
        ctx.__exit__(None, None, None)  # type: ignore[attr-defined]
