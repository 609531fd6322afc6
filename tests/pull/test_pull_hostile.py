"""schemagen pull on databases holding hostile names, comments, defaults and bodies.

Each accepted spec of the hostile corpus (tests/hostile/, those proven on Postgres) is applied,
pulled and generated again: the catalog must be the same, and the pulled spec must load.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.spec import load_spec
from generator.verify.backends import Server
from tests.pull.helpers import apply, prepare, pull_into, regenerate_and_compare, snapshot
from tests.test_hostile import HERE, ON_POSTGRES

pytestmark = pytest.mark.pg


@pytest.mark.parametrize("name", ON_POSTGRES)
def test_hostile_spec_round_trips_through_pull(name: str, pg_server: Server, tmp_path: Path) -> None:
    from generator.pipeline import generate

    spec0 = load_spec(HERE / f"{name}.yaml").spec
    roles = list(spec0.roles)
    schemas = ["public", *(s.name for m in spec0.migrations for s in m.schemas)]
    result = generate(HERE / f"{name}.yaml")
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c, roles=roles)
        for f in result.sql_files:
            if f.name[:3].isdigit():
                apply(c, f.name, f.text)
        expected = snapshot(db.dsn)
        spec, _out = pull_into(db.dsn, tmp_path, schemas=schemas)
        first = spec.read_bytes()
        pull_into(db.dsn, tmp_path / "again", schemas=schemas)
        assert (tmp_path / "again" / "schema.yaml").read_bytes() == first, "pulling twice must be byte-identical"
    assert regenerate_and_compare(pg_server, spec, expected, roles=roles) == []


#: Objects written by hand (not by schemagen) whose text the pulled spec must keep exactly.
HAND_WRITTEN = {
    # prosrc ending in "$": kept verbatim, it closed its own dollar quote early before
    "verbatim_body_ends_in_dollar": "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $q$select 1 as a$$q$;",
    # defaults outside b_expr: Postgres prints them in parentheses, pulled without
    "defaults_outside_b_expr": "CREATE TABLE public.t (id int PRIMARY KEY, b text DEFAULT ('b' COLLATE \"C\"), "
                               "c boolean DEFAULT ('' IS NOT NULL OR true));",
    "comment_that_could_end_a_comment": "CREATE TABLE public.t (id int PRIMARY KEY); "
                                        "COMMENT ON TABLE public.t IS E'a\\nb */ -- $$ ''\\t\\x01';",
    "enum_values_with_quotes": "CREATE TYPE public.m AS ENUM ('a''b', 'c\"d', '$$');",
    "names_with_quotes": 'CREATE TABLE public."x""y" ("$$" int PRIMARY KEY, "--" text, " " text);',
}


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_hand_written_hostile_text_round_trips_through_pull(name: str, pg_server: Server, tmp_path: Path) -> None:
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, name, HAND_WRITTEN[name])
        expected = snapshot(db.dsn)
        spec, _out = pull_into(db.dsn, tmp_path, schemas=["public"])
    assert regenerate_and_compare(pg_server, spec, expected) == []
