"""Supabase Storage: bucket rows are fixtures, and policies on ``storage.objects`` and
``storage.buckets`` scope what a signed-in user sees and uploads by bucket and by folder
(tests/cases/storage, applied with its seed on the stand-in's Storage tables)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg
import pytest

from generator.pipeline import generate
from generator.verify.backends import Database
from tests.pull.helpers import apply, prepare

pytestmark = pytest.mark.pg

CASE = Path(__file__).resolve().parents[1] / "cases" / "storage" / "schema.yaml"
ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())


def _as(c: psycopg.Connection, user: str) -> None:
    c.execute("set local role authenticated")
    c.execute("select set_config('request.jwt.claims', %s, true)", (f'{{"sub": "{user}", "role": "authenticated"}}',))


def test_buckets_are_seeded_and_objects_are_scoped_by_bucket_and_folder(fresh_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    shutil.copy(CASE, spec)
    files = {f.name: f.text for f in generate(spec).files}
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "001_avatars.sql", files["001_avatars.sql"])
        c.execute(f"alter database {psycopg.sql.Identifier(c.info.dbname).as_string(c)} set app.environment = 'test'")
    with psycopg.connect(fresh_db.dsn, autocommit=True) as c:  # the setting applies to new sessions
        apply(c, "seed_test_data.sql", files["seed_test_data.sql"])
        apply(c, "seed_test_data.sql (again)", files["seed_test_data.sql"])  # it can run again
        rows = c.execute("select id, public, file_size_limit, allowed_mime_types from storage.buckets order by id")
        assert rows.fetchall() == [("avatars", False, 1048576, ["image/png", "image/jpeg"]),
                                   ("documents", False, None, None)]
        c.execute("insert into storage.objects (bucket_id, name) values "
                  "('avatars', %s), ('avatars', %s), ('documents', %s)",
                  (f"{ALICE}/me.png", f"{BOB}/me.png", f"{ALICE}/cv.pdf"))
        with c.transaction():
            _as(c, ALICE)
            assert c.execute("select id from storage.buckets").fetchall() == [("avatars",)]
            assert c.execute("select bucket_id, name from storage.objects").fetchall() == [
                ("avatars", f"{ALICE}/me.png")]  # not Bob's file, not her file of another bucket
            c.execute("insert into storage.objects (bucket_id, name) values ('avatars', %s)", (f"{ALICE}/new.png",))
        for bucket, name in (("avatars", f"{BOB}/x.png"), ("documents", f"{ALICE}/x.pdf")):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"), c.transaction():
                _as(c, ALICE)
                c.execute("insert into storage.objects (bucket_id, name) values (%s, %s)", (bucket, name))
        with c.transaction():
            _as(c, BOB)
            assert c.execute("select name from storage.objects").fetchall() == [(f"{BOB}/me.png",)]
