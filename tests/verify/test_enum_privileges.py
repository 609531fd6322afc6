"""Enums are revoked from PUBLIC like every object; the API roles still use enum columns.

USAGE on a type only guards creating objects that use it (tables, functions, casts in DDL):
reading, writing, filtering and casting enum values through a table, view or function the role is
granted needs no USAGE on the type. So no grant on the enum is needed for PostgREST.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.pipeline import generate
from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare

pytestmark = pytest.mark.pg

SPEC = """\
migrations:
  - number: 1
    name: init
    enums:
      - {name: mood, values: [ok, sad]}
    tables:
      - name: notes
        columns:
          - {name: id, type: bigint, identity: always, primary_key: true}
          - {name: m, type: mood}
          - {name: ms, type: "mood[]"}
        grants: [{privileges: [select, insert, update], to: [anon]}]
        policies:
          - {name: anyone, command: all, roles: [anon], using: "id > 0", with_check: "id > 0"}
    functions:
      - name: echo
        arguments: [{name: x, type: mood}]
        returns: mood
        body: select x
        grants: [{privileges: [execute], to: [anon]}]
"""

#: what PostgREST sends on behalf of a client: all allowed without USAGE on the type
API = [
    "insert into public.notes (m, ms) values ('ok', '{sad}')",
    "insert into public.notes (m) values ('sad'::public.mood)",
    "select m, m::text from public.notes where m = 'ok' and m = any('{ok,sad}'::public.mood[])",
    "update public.notes set m = 'sad' where m::text = 'ok'",
    "select json_agg(n) from public.notes n",
    "select public.echo('ok')",
]


def test_enum_is_revoked_and_api_roles_still_use_its_columns(fresh_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result = generate(spec)
    migration = next(f for f in result.sql_files if f.name.startswith("001_"))
    assert "REVOKE ALL ON TYPE public.mood FROM PUBLIC, anon, authenticated, service_role;" in migration.text
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, migration.name, migration.text)
        holders = c.execute("select x.grantee from pg_type t, aclexplode(t.typacl) x "
                            "where t.typname = 'mood' and x.grantee <> t.typowner").fetchall()
        assert holders == []  # PUBLIC (grantee 0) holds nothing, nor does anyone but the owner
        for statement in API:
            with c.transaction():
                c.execute("set local role anon")
                c.execute(statement)  # type: ignore[arg-type]
        with pytest.raises(psycopg.errors.InsufficientPrivilege), c.transaction():
            c.execute("set local role anon")
            c.execute("create temp table t (m public.mood)")  # what USAGE does guard
