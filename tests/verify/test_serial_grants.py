"""A serial column's sequence is revoked like its table: a role inserts through its default only
with `sequence_grants` (USAGE), unlike an identity column, whose sequence Postgres uses itself."""

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
    tables:
      - name: tickets
        columns:
          - {name: id, type: bigint, identity: always, primary_key: true}
          - {name: ticket_no, type: serial, sequence_grants: [{privileges: [usage], to: [authenticated]}]}
          - {name: line, type: smallserial}
          - {name: note, type: text}
        grants: [{privileges: [select, insert], to: [anon, authenticated]}]
        policies:
          - {name: own, command: all, roles: [anon, authenticated], using: "id > 0", with_check: "id > 0"}
"""


def test_inserting_through_a_serial_default_needs_its_sequence_grant(fresh_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    migration = next(f for f in generate(spec).sql_files if f.name.startswith("001_"))
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, migration.name, migration.text)
        with c.transaction():  # ticket_no: granted; line: given; id: identity, no grant needed
            c.execute("set local role authenticated")
            c.execute("insert into public.tickets (line, note) values (7, 'a')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="tickets_line_seq"), c.transaction():
            c.execute("set local role authenticated")
            c.execute("insert into public.tickets (note) values ('b')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="tickets_ticket_no_seq"), c.transaction():
            c.execute("set local role anon")
            c.execute("insert into public.tickets (line, note) values (1, 'c')")
        owner = c.execute("select pg_get_serial_sequence('public.tickets', 'ticket_no')").fetchone()
        assert owner == ("public.tickets_ticket_no_seq",)  # OWNED BY the column, as serial makes it
