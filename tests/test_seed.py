"""seed_test_data.sql: refused on an unmarked database, loads twice on a marked one; fixtures are checked."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from pglast import parse_sql

from generator.errors import SpecError
from generator.ir import build
from generator.ir.fixtures import NAMESPACE, derived_uuid, resolve_fixtures, row_uuid
from generator.pipeline import generate
from generator.render.seed import MARK_TEST_DATABASE, SEED_FILE, render_seed
from generator.spec import load_spec
from tests.outdb import OUT, build_from_out

SEED = OUT / SEED_FILE
VOLUMES = {"tenants": 3, "users": 6, "conversations": 7, "messages": 14, "feedback": 7, "usage_metrics": 11}


def counts(conn: psycopg.Connection) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from public.{t}").fetchone()[0] for t in VOLUMES}  # noqa: S608


def test_seed_parses_and_has_the_documents_volumes() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert parse_sql(text)
    loaded = load_spec(Path(__file__).resolve().parents[1] / "schema.yaml", display="schema.yaml")
    fixtures = resolve_fixtures(build(loaded), loaded)
    assert {t.table.id.name: len(t.rows) for t in fixtures.tables} == VOLUMES
    users = fixtures.table("users")
    assert users is not None
    assert any(r.values.get("is_active") is False for r in users.rows), "an inactive user for isolation tests"
    owner = fixtures.row("users", "acme_owner")
    assert owner is not None and owner.values["auth_id"] == derived_uuid("auth/acme_owner")
    assert owner.values["id"] == row_uuid(users.table.id, "acme_owner") == str(
        uuid.uuid5(NAMESPACE, "public.users/acme_owner"))


def test_unmarked_database_is_refused_with_a_clear_error_and_no_rows(conn: psycopg.Connection) -> None:
    build_from_out(conn)
    conn.execute("SET app.environment = 'test'")  # a session setting does not mark the database
    with pytest.raises(psycopg.errors.RaiseException) as caught:
        conn.execute(SEED.read_text(encoding="utf-8"))
    conn.execute("ROLLBACK")
    message = str(caught.value)
    assert "seed_test_data.sql refuses to run" in message
    assert "is not marked as a development or test database" in message
    assert "ALTER DATABASE" in (caught.value.diag.message_hint or "")
    assert set(counts(conn).values()) == {0}


def test_marked_database_loads_twice_and_prints_a_summary(conn: psycopg.Connection) -> None:
    build_from_out(conn)
    conn.execute(MARK_TEST_DATABASE)
    notices: list[str] = []
    conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
    text = SEED.read_text(encoding="utf-8")
    conn.execute(text)
    assert counts(conn) == VOLUMES
    conn.execute(text)  # removes its earlier rows first
    assert counts(conn) == VOLUMES
    assert notices.count("seed_test_data.sql: loaded 48 test rows into 6 tables") == 2
    assert "  public.messages: 14 test rows" in notices
    # the trigger bumped conversations; the usage rows span several days
    days = conn.execute("select count(distinct date) from public.usage_metrics").fetchone()[0]
    assert days >= 5


def test_development_marker_also_counts_and_other_rows_survive(conn: psycopg.Connection) -> None:
    build_from_out(conn)
    db = conn.execute("select current_database()").fetchone()[0]
    conn.execute(f'ALTER DATABASE "{db}" SET app.environment = \'development\'')
    conn.execute("insert into public.tenants (name, slug, llm_provider, llm_model) values ('Keep', 'keep', 'x', 'y')")
    text = SEED.read_text(encoding="utf-8")
    conn.execute(text)
    conn.execute(text)
    assert conn.execute("select count(*) from public.tenants").fetchone()[0] == VOLUMES["tenants"] + 1


def _spec(tmp_path: Path, fixtures: str) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(
        "migrations:\n"
        "  - number: 1\n"
        "    name: init\n"
        "    tables:\n"
        "      - name: parents\n"
        "        columns:\n"
        "          - {name: id, type: uuid, primary_key: true}\n"
        "          - {name: data, type: jsonb}\n"
        "      - name: children\n"
        "        columns:\n"
        "          - {name: id, type: bigint, primary_key: true}\n"
        "          - {name: parent_id, type: uuid, references: {table: parents}}\n"
        "          - {name: made, type: date}\n"
        "      - name: loose\n"
        "        columns:\n"
        "          - {name: n, type: integer}\n" + fixtures, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    loaded = load_spec(path, display="schema.yaml")
    with pytest.raises(SpecError) as caught:
        resolve_fixtures(build(loaded), loaded)
    return [f"{p.pos}: {p.message}" for p in caught.value.problems]


def test_fixture_errors_are_located(tmp_path: Path) -> None:
    path = _spec(tmp_path, (
        "fixtures:\n"
        "  parents:\n"
        "    p1: {data: {a: 1}, colour: red}\n"
        "  children:\n"
        "    c1: {id: 1, parent_id: nobody}\n"
        "    c2: {id: 2, made: {sql: current_date -}}\n"
        "    c3: {made: 2024-01-01}\n"
        "  ghosts:\n"
        "    g: {}\n"
        "  loose:\n"
        "    l: {n: 1}\n"))
    assert _problems(path) == [
        "schema.yaml:19:24: unknown column 'colour' of public.parents",
        "schema.yaml:21:28: no fixture row 'nobody' in public.parents (foreign key 'parent_id')",
        "schema.yaml:22:29: invalid SQL: syntax error at or near \")\"",
        "schema.yaml:23:5: fixture row 'c3' of public.children needs a plain value for primary key column 'id'",
        "schema.yaml:24:3: fixtures: unknown table 'ghosts'",
        "schema.yaml:26:3: fixtures: table 'loose' has no primary key",
    ]


def test_a_row_without_a_required_column_is_located(tmp_path: Path) -> None:
    path = _spec(tmp_path, "fixtures:\n  children:\n    c1: {id: 1}\n    c2: {id: 2, made: 2024-01-01}\n")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{name: made, type: date}", "{name: made, type: date, nullable: false}"), encoding="utf-8")
    assert _problems(path) == [
        "schema.yaml:19:5: fixture row 'c1' of public.children gives no value for 'made' (NOT NULL, no default): "
        "the seed would fail"]


def test_fixture_values(tmp_path: Path) -> None:
    path = _spec(tmp_path, (
        "fixtures:\n"
        "  parents:\n"
        "    p1: {data: {a: [1, 'x'], b: null}}\n"
        "    p2: {id: 6f1c2b1e-3d0a-5a8e-9c4b-7d2e5f60a1b3}\n"
        "  children:\n"
        "    c1: {id: 1, parent_id: p1, made: 2024-01-31}\n"
        "    c2: {id: 2, parent_id: p2, made: {sql: current_date - 1}}\n"))
    loaded = load_spec(path, display="schema.yaml")
    model = build(loaded)
    fixtures = resolve_fixtures(model, loaded)
    assert [t.table.id.name for t in fixtures.tables] == ["parents", "children"]
    c1, p1 = fixtures.row("children", "c1"), fixtures.row("parents", "p1")
    assert c1 is not None and p1 is not None
    assert p1.values["id"] == row_uuid(p1_table_id(fixtures), "p1")
    assert c1.sql == {"id": "1", "parent_id": f"'{p1.values['id']}'", "made": "'2024-01-31'"}
    assert p1.sql["data"] == '\'{"a": [1, "x"], "b": null}\'::jsonb'
    assert fixtures.row("children", "c2").sql["made"] == "(current_date - 1)"
    assert fixtures.row("children", "c2").values["parent_id"] == "6f1c2b1e-3d0a-5a8e-9c4b-7d2e5f60a1b3"
    [seed] = render_seed(model, loaded)
    assert seed.name == SEED_FILE and parse_sql(seed.text)


def p1_table_id(fixtures):  # noqa: ANN001, ANN201
    return fixtures.table("parents").table.id


def test_no_fixtures_no_seed_file(tmp_path: Path) -> None:
    path = _spec(tmp_path, "")
    loaded = load_spec(path, display="schema.yaml")
    assert render_seed(build(loaded), loaded) == []


SEQUENCE_SPEC = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: items
        columns:
          - {name: id, type: bigint, primary_key: true, identity: always}
          - {name: name, type: text}
      - name: notes
        columns:
          - {name: id, type: bigint, primary_key: true, identity: by default}
          - {name: body, type: text}
      - name: tenants
        columns:
          - {name: id, type: uuid, primary_key: true}
          - {name: slug, type: text}
        unique:
          - {columns: [id, slug]}
      - name: projects
        columns:
          - {name: id, type: uuid, primary_key: true}
          - {name: tenant_id, type: uuid}
          - {name: tenant_slug, type: text}
        foreign_keys:
          - {columns: [tenant_id, tenant_slug], references: {table: tenants, columns: [id, slug]}}
        indexes:
          - {columns: [tenant_id, tenant_slug]}
      - name: profiles
        columns:
          - {name: id, type: uuid, primary_key: true, references: {table: auth.users, on_delete: cascade}}
          - {name: display_name, type: text}
fixtures:
  profiles:
    alice: {id: alice, display_name: Alice}
  auth.users:
    alice: {email: alice@example.com}
  items:
    i1: {id: 1, name: one}
    i5: {id: 5, name: five}
  notes:
    n3: {id: 3, body: three}
  projects:
    p1: {tenant_id: acme, tenant_slug: acme}
  tenants:
    acme: {slug: acme-corp}
"""


def _generate_sequence_case(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SEQUENCE_SPEC, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for f in generate(spec).files:
        (out / f.name).parent.mkdir(parents=True, exist_ok=True)
        (out / f.name).write_text(f.text, encoding="utf-8")
    return spec, out


def test_identity_and_composite_foreign_keys_resolve(tmp_path: Path) -> None:
    spec, _ = _generate_sequence_case(tmp_path)
    loaded = load_spec(spec, display="schema.yaml")
    fixtures = resolve_fixtures(build(loaded), loaded)
    items, notes = fixtures.table("items"), fixtures.table("notes")
    assert items is not None and items.overriding and items.sequences == ("id",)
    assert notes is not None and not notes.overriding and notes.sequences == ("id",)
    acme, p1 = fixtures.row("tenants", "acme"), fixtures.row("projects", "p1")
    assert acme is not None and p1 is not None
    # each column of the composite key takes the named row's value of the column it references
    assert p1.values["tenant_id"] == acme.values["id"]
    assert p1.values["tenant_slug"] == "acme-corp"
    alice_user, alice = fixtures.row("users", "alice", "auth"), fixtures.row("profiles", "alice")
    assert alice_user is not None and alice is not None
    # a profile's key names its auth.users row: the profile's id is that user's id
    assert alice.values["id"] == alice_user.values["id"] == row_uuid(alice_user_id(fixtures), "alice")
    order = [t.table.id.qualified for t in fixtures.tables]  # parents first, whatever the spec's order
    assert order.index("auth.users") < order.index("public.profiles")
    assert order.index("public.tenants") < order.index("public.projects")


def alice_user_id(fixtures):  # noqa: ANN001, ANN201
    return fixtures.table("users", "auth").table.id


@pytest.mark.pg
def test_identity_fixtures_then_api_inserts_take_the_next_id(tmp_path: Path, conn: psycopg.Connection) -> None:
    _, out = _generate_sequence_case(tmp_path)
    build_from_out(conn, out)
    conn.execute(MARK_TEST_DATABASE)
    text = (out / SEED_FILE).read_text(encoding="utf-8")
    assert "INSERT INTO public.items (id, name) OVERRIDING SYSTEM VALUE VALUES" in text
    assert "INSERT INTO public.notes (id, body) VALUES" in text
    conn.execute(text)
    # an insert that takes the default (as the API does) gets an id past the seeded ones
    assert conn.execute("insert into items (name) values ('api') returning id").fetchone()[0] == 6
    assert conn.execute("insert into notes (body) values ('api') returning id").fetchone()[0] == 4
    conn.execute(text)  # again: its own rows replaced, the API rows kept, the sequences past both
    assert conn.execute("insert into items (name) values ('api2') returning id").fetchone()[0] == 7
    assert conn.execute("select count(*) from items").fetchone()[0] == 4
    row = conn.execute("select p.tenant_slug, t.slug from projects p join tenants t on t.id = p.tenant_id").fetchone()
    assert row == ("acme-corp", "acme-corp")
    row = conn.execute("select u.email, p.display_name from public.profiles p join auth.users u using (id)").fetchone()
    assert row == ("alice@example.com", "Alice")
