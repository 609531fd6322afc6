"""Exclusion constraints on real Postgres: the golden case's booking table refuses overlapping
periods of one room (gist with btree_gist's ``=``), takes adjacent ones and other rooms', and its
deferrable constraint is checked at commit; models.py's ExcludeConstraints create the same constraints."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from generator.pipeline import generate
from generator.render.python_outputs import render_python
from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare
from tests.verify.pyharness import sa_url

EXPECTED = Path(__file__).resolve().parents[1] / "cases" / "exclusion_constraints" / "expected"


def test_overlapping_bookings_are_refused(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c, roles=[], cron=False)
        apply(c, "001.sql", (EXPECTED / "001_exclusions.sql").read_text(encoding="utf-8"))
        c.execute("insert into public.rooms (name) values ('a'), ('b')")
        c.execute("insert into public.bookings (room_id, period) values (1, '[2026-01-01, 2026-01-03)')")
        c.execute("insert into public.bookings (room_id, period) values (2, '[2026-01-01, 2026-01-03)')")
        c.execute("insert into public.bookings (room_id, period) values (1, '[2026-01-03, 2026-01-05)')")
        with pytest.raises(psycopg.errors.ExclusionViolation, match="bookings_no_overlap"):
            c.execute("insert into public.bookings (room_id, period) values (1, '[2026-01-02, 2026-01-04)')")
        # a cancelled booking escapes bookings_no_overlap (WHERE not cancelled) but not the deferrable
        # one over every booking, checked at commit, not per statement
        reached = False
        with pytest.raises(psycopg.errors.ExclusionViolation, match="bookings_period_room_id_excl"):
            with c.transaction():
                c.execute("insert into public.bookings (room_id, period, cancelled) values "
                          "(2, '[2026-01-02, 2026-01-04)', true)")
                reached = True
        assert reached, "the deferrable constraint fired before commit"


def _exclusion_defs(c: psycopg.Connection) -> dict[str, str]:
    rows = c.execute("select conname, pg_get_constraintdef(oid) from pg_constraint where contype = 'x' "
                     "and connamespace = 'public'::regnamespace").fetchall()
    return dict(rows)


def test_models_py_exclude_constraints_create_what_the_migration_creates(fresh_db: Database, tmp_path: Path) -> None:
    """models.py's ``postgresql.ExcludeConstraint``s, created by ``metadata.create_all``, give the
    constraints the SQL migration gives: same elements, operator classes, WHERE and DEFERRABLE; only
    the INCLUDE list, which ExcludeConstraint cannot state, is missing (and the model says so)."""
    result = generate(EXPECTED.parent / "schema.yaml", display="schema.yaml")
    models = next(f.text for f in render_python(result.model, result.loaded, result.plans, sqlalchemy=True,
                                                alembic=False) if f.name == "models.py")
    assert "# bookings_period_room_id_excl also has INCLUDE (note): ExcludeConstraint has no argument" in models
    (tmp_path / "excl_models.py").write_text(models, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("excl_models", tmp_path / "excl_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["excl_models"] = module  # the ORM resolves the annotations through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["excl_models"]
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c, roles=[], cron=False)
        apply(c, "001.sql", (EXPECTED / "001_exclusions.sql").read_text(encoding="utf-8"))
        by_sql = _exclusion_defs(c)
        c.execute("drop table public.bookings, public.rooms")
        engine = sa.create_engine(sa_url(fresh_db.dsn))
        try:
            module.Base.metadata.create_all(engine)
        finally:
            engine.dispose()
        by_model = _exclusion_defs(c)
    assert len(by_sql) == 2
    assert by_model == {name: d.replace(" INCLUDE (note)", "") for name, d in by_sql.items()}
    assert "INCLUDE (note)" in by_sql["bookings_period_room_id_excl"]
