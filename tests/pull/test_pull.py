"""schemagen pull: exact round trips on real Postgres, unsupported objects, determinism, plain Postgres."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pull.run import UnsupportedObjects
from generator.spec import load_spec
from generator.verify.backends import Server
from generator.verify.snapshot import diff_snapshots
from tests.pull.helpers import apply, prepare, pull_into, regenerate_and_compare, snapshot
from tests.test_golden import case_dirs

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.pg


#: Raw SQL is by definition what the spec language cannot say: pull names it as unsupported
#: (test_raw_sql_is_pulled_as_unsupported below), so its case has no exact round trip. Every other
#: case round trips, partition_trees included (MINVALUE bounds, sub-partitions, an expression key).
ROUND_TRIP = [c for c in case_dirs() if not any(m.raw for m in load_spec(c / "schema.yaml").spec.migrations)]


@pytest.mark.parametrize("case", ROUND_TRIP, ids=lambda p: p.name)
def test_golden_case_round_trip(case: Path, pg_server: Server, tmp_path: Path) -> None:
    """Apply the case's migrations, pull, generate from the pulled spec: the catalog is the same."""
    spec0 = load_spec(case / "schema.yaml").spec
    roles = list(spec0.roles)
    schemas = ["public", *(s.name for m in spec0.migrations for s in m.schemas)]
    cron = any(m.jobs for m in spec0.migrations)
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c, roles=roles, cron=cron)
        for p in sorted((case / "expected").glob("[0-9][0-9][0-9]_*.sql")):
            apply(c, p.name, p.read_text(encoding="utf-8"))
        expected = snapshot(db.dsn)
        spec, out = pull_into(db.dsn, tmp_path, schemas=schemas)
        first = spec.read_bytes()
        pull_into(db.dsn, tmp_path / "again", schemas=schemas)
        assert (tmp_path / "again" / "schema.yaml").read_bytes() == first, "pulling twice must be byte-identical"
    assert (out / "001_baseline.sql").is_file()
    assert regenerate_and_compare(pg_server, spec, expected, roles=roles, cron=cron) == []


def test_raw_sql_is_pulled_as_unsupported(pg_server: Server, tmp_path: Path) -> None:
    """What the raw SQL of tests/cases/raw_sql created is listed by pull, not silently lost."""
    case = ROOT / "tests" / "cases" / "raw_sql"
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c, roles=[], cron=False)
        for p in sorted((case / "expected").glob("[0-9][0-9][0-9]_*.sql")):
            apply(c, p.name, p.read_text(encoding="utf-8"))
        with pytest.raises(UnsupportedObjects) as err:
            pull_into(db.dsn, tmp_path, schemas=["public"])
    assert sorted(f"{u.kind} {u.name}" for u in err.value.objects) == [  # its domain is pulled as a domain
        "rule public.notes.notes_no_delete", "table public.notes"]


def test_platform_round_trip(pg_server: Server, tmp_path: Path) -> None:
    """The bundled platform: apply out/, pull, regenerate, same catalog; its policy tests pass on it."""
    from generator.pipeline import generate
    from generator.verify.run import run_verify

    platform = load_spec(ROOT / "schema.yaml").spec
    roles = list(platform.roles)
    cron = any(m.jobs for m in platform.migrations)
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c, roles=roles, cron=cron)
        for p in sorted((ROOT / "out").glob("[0-9][0-9][0-9]_*.sql")):
            apply(c, p.name, p.read_text(encoding="utf-8"))
        expected = snapshot(db.dsn)
        spec, out = pull_into(db.dsn, tmp_path)
    assert regenerate_and_compare(pg_server, spec, expected, roles=roles, cron=cron) == []
    # database.types.ts: Supabase's part is the same (typed JSON shapes are prose of the spec, not the database)
    marker = "\n// ----"
    pulled_types = (out / "database.types.ts").read_text(encoding="utf-8")
    original_types = (ROOT / "out" / "database.types.ts").read_text(encoding="utf-8")
    assert pulled_types.split(marker)[0] == original_types.split(marker)[0]
    # the policy tests of the original spec, run against the pulled spec's migrations
    text = spec.read_text(encoding="utf-8")
    original = (ROOT / "schema.yaml").read_text(encoding="utf-8")
    tests_at = original.index("\ntests:")
    end = original.find("\nlint:", tests_at + 1)
    merged = tmp_path / "with_tests" / "schema.yaml"
    merged.parent.mkdir()
    fixtures = original.index("\nfixtures:") if "\nfixtures:" in original else None
    extra = original[tests_at:end if end > 0 else len(original)]
    if fixtures is not None:
        fend = original.find("\ntests:", fixtures)
        extra = original[fixtures:fend] + extra
    merged.write_text(text + extra.lstrip("\n") + "\n", encoding="utf-8")
    with pg_server.new_database() as db2:
        report = run_verify(generate(merged, display="schema.yaml"), db2.dsn)
    assert report.ok, "\n".join(report.problems)


UNSUPPORTED_SQL = """
create domain public.positive as integer check (value > 0);
create type public.pair as (a integer, b integer);
create table public.things (id bigint generated always as identity primary key, n public.positive);
create table public.readings (at date not null, v integer) partition by range ((at + 1));
create table public.labels (name text not null) partition by list (name collate "C");
create procedure public.noop() language sql as $$ select 1 $$;
create table public.rooms (id int, during tstzrange, exclude using gist (during with &&));
create function public.costly() returns integer language sql cost 500 as $$
select 1
$$;
"""


def test_unsupported_objects_exit_4(pg_server: Server, tmp_path: Path) -> None:
    """Each object the language cannot represent is listed; nothing is written without --skip-unsupported."""
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        apply(c, "unsupported.sql", UNSUPPORTED_SQL)
        spec, out = tmp_path / "schema.yaml", tmp_path / "out"
        result = CliRunner().invoke(app, ["pull", "--dsn", db.dsn, "--spec", str(spec), "--out", str(out)])
        assert result.exit_code == 4, result.output
        for listed in ('table public.labels (partition key LIST (name COLLATE "C"): an operator class or collation',
                       "function public.costly() (COST 500)"):
            assert listed in result.output
        assert "readings" not in result.output  # an expression key is pulled
        assert "rooms_during_excl" not in result.output  # an exclusion constraint is pulled
        assert "noop" not in result.output  # so is a procedure
        assert "public.positive" not in result.output and "public.pair" not in result.output  # domains and
        assert not spec.exists() and not out.exists()  # composite types are kinds of the language
        # with --skip-unsupported, a table that needs a skipped type cannot be written either: still exit 4
        apply(c, "drop.sql", "drop table public.things; drop table public.rooms;")
        result = CliRunner().invoke(app, ["pull", "--dsn", db.dsn, "--spec", str(spec), "--out", str(out),
                                          "--skip-unsupported"])
        assert result.exit_code == 0, result.output
    text = spec.read_text(encoding="utf-8")
    assert "procedures:\n  - name: noop" in text
    assert "name: positive" in text and "name: pair" in text
    assert "- {expression: (at + 1)}" in text


def test_unknown_schema_is_bad_input(pg_server: Server, tmp_path: Path) -> None:
    with pg_server.new_database() as db:
        result = CliRunner().invoke(app, ["pull", "--dsn", db.dsn, "--schema", "nope", "--spec",
                                          str(tmp_path / "s.yaml"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no schema nope" in result.output


def test_plain_postgres_declares_only_existing_roles(pg_server: Server, tmp_path: Path) -> None:
    """Without Supabase's roles the pulled spec names none of them, and its migrations apply on plain Postgres."""
    sql = """
    create table public.notes (id bigint generated always as identity primary key, body text not null);
    create function public.note_count() returns bigint language sql stable as $$
      select count(*) from public.notes
    $$;
    create function public.one() returns integer language sql immutable as $$ select 1 $$;
    """
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        apply(c, "plain.sql", sql)
        expected = snapshot(db.dsn)
        spec, out = pull_into(db.dsn, tmp_path)
    text = spec.read_text(encoding="utf-8")
    assert "anon" not in text and "service_role" not in text
    assert "revoke_from: [public]" in text
    assert "to: [public]" in text  # PUBLIC keeps EXECUTE on the function, as Postgres gave it
    migration = (out / "001_baseline.sql").read_text(encoding="utf-8")
    assert "anon" not in migration
    assert "verbatim: true" in text  # hand-written bodies come back exactly as written
    assert regenerate_and_compare(pg_server, spec, expected, supabase=False) == []


def test_pull_sql_files(tmp_path: Path) -> None:
    """pull --sql applies hand-written migrations (with the stand-in) and pulls the result."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "001.sql").write_text(
        "create table public.profiles (id uuid primary key references auth.users (id) on delete cascade,"
        " name text);\nalter table public.profiles enable row level security;\n", encoding="utf-8")
    (tmp_path / "m" / "002.sql").write_text(
        "create policy \"own profile\" on public.profiles for select to authenticated"
        " using ((select auth.uid()) = id);\n", encoding="utf-8")
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    result = CliRunner().invoke(app, ["pull", "--sql", str(tmp_path / "m" / "001.sql"), "--sql",
                                      str(tmp_path / "m" / "002.sql"), "--spec", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = spec.read_text(encoding="utf-8")
    assert "own profile" in text and "auth.users" in text
    assert (out / "001_baseline.sql").is_file()


def test_usage_and_connection_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["pull", "--spec", str(tmp_path / "s.yaml")]).exit_code == 2
    bad = runner.invoke(app, ["pull", "--dsn", "postgresql:///x?host=/nonexistent", "--spec",
                              str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 3 and "cannot connect" in bad.output
    assert runner.invoke(app, ["pull", "--dsn", "x", "--plain", "--spec", str(tmp_path / "s.yaml")]).exit_code == 2
    assert runner.invoke(app, ["pull", "--dsn", "x", "--name", "Bad Name"]).exit_code == 2
    assert not (tmp_path / "s.yaml").exists()


def test_what_the_application_attached_to_supabase_is_pulled(pg_server: Server, tmp_path: Path) -> None:
    """A trigger on auth.users and a policy on a Supabase table are the application's: pulled, re-created."""
    sql = (
        "create table public.profiles (id uuid primary key, email text);\n"
        "create function public.handle_new_user() returns trigger language plpgsql security definer"
        " set search_path = '' as $$\nbegin\n  insert into public.profiles (id, email) values (new.id, new.email);\n"
        "  return new;\nend;\n$$;\n"
        "create trigger on_auth_user_created after insert on auth.users for each row"
        " execute function public.handle_new_user();\n"
        "create policy \"users read themselves\" on auth.users for select to authenticated"
        " using (id = (select auth.uid()));\n")
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "app.sql", sql)
        expected = snapshot(db.dsn)
        spec, _out = pull_into(db.dsn, tmp_path)
    text = spec.read_text(encoding="utf-8")
    assert "table: auth.users" in text and "on_auth_user_created" in text and "users read themselves" in text
    assert regenerate_and_compare(pg_server, spec, expected) == []


def test_pull_sql_has_supabase_extensions_schema(tmp_path: Path) -> None:
    """Supabase migrations install extensions into `extensions`: the schema exists, and stays external."""
    m = tmp_path / "001.sql"
    m.write_text("create extension if not exists citext with schema extensions;\n"
                 "create table public.users_list (id bigint generated always as identity primary key,"
                 " email extensions.citext not null);\n", encoding="utf-8")
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    result = CliRunner().invoke(app, ["pull", "--sql", str(m), "--spec", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = spec.read_text(encoding="utf-8")
    assert "{name: citext, schema: extensions}" in text
    assert "extensions.citext" in text.split("migrations:")[0]  # listed under external:


def test_application_default_privileges_are_listed(pg_server: Server, tmp_path: Path) -> None:
    """Supabase's own default privileges are the platform's; ones the application set are listed (exit 4)."""
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "app.sql", "create schema app; alter default privileges in schema app grant select on tables"
                            " to authenticated;")
        result = CliRunner().invoke(app, ["pull", "--dsn", db.dsn, "--spec", str(tmp_path / "s.yaml"), "--out",
                                          str(tmp_path / "out")])
    assert result.exit_code == 4, result.output
    assert "default privileges" in result.output and " in app on tables" in result.output
    assert "in public" not in result.output


def test_hand_written_supabase_migrations_round_trip(pg_server: Server, tmp_path: Path) -> None:
    """Migrations as Supabase apps write them (default grants kept, unwrapped auth.uid(), a trigger on
    auth.users, inline bodies, serial and identity columns): pulled, regenerated, the same catalog."""
    from generator.pull.run import SUPABASE_EXTRAS

    sql = (Path(__file__).parent / "sql" / "supabase_app.sql").read_text(encoding="utf-8")
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        c.execute(SUPABASE_EXTRAS)
        apply(c, "supabase_app.sql", sql)
        expected = snapshot(db.dsn)
        spec, _out = pull_into(db.dsn, tmp_path)
    text = spec.read_text(encoding="utf-8")
    assert "table: storage.objects" in text and "storage.foldername" in text and "realtime: true" in text
    from generator.pipeline import generate

    result = generate(spec)
    with pg_server.new_database() as db2, psycopg.connect(db2.dsn, autocommit=True) as c:
        prepare(c)
        c.execute(SUPABASE_EXTRAS)
        for f in result.sql_files:
            if f.name[:3].isdigit():
                apply(c, f.name, f.text)
        assert [str(d) for d in diff_snapshots(expected, snapshot(db2.dsn))] == []
