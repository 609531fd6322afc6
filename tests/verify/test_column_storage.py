"""COMPRESSION lz4: proven where the server has lz4 (Debian's PostgreSQL 15 has; the embedded 18 has
not, and Postgres refuses it there, which is what this test then checks)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from generator.pipeline import generate
from generator.verify.backends import Database
from generator.verify.run import run_verify

pytestmark = pytest.mark.pg

SPEC = """\
project: {name: lz4}
outputs: {docs: false, types: false, seed: false}
migrations:
  - number: 1
    name: init
    tables:
      - name: blobs
        columns:
          - {name: id, type: bigint, primary_key: true}
          - {name: body, type: text, compression: lz4, storage: external}
"""


def _has_lz4(dsn: str) -> bool:
    with psycopg.connect(dsn, autocommit=True) as c:
        try:
            c.execute("create temp table lz4_probe (x text compression lz4)")
        except psycopg.errors.FeatureNotSupported:
            return False
        return True


def test_lz4_compression_applies_and_rolls_back_where_the_server_has_it(fresh_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result = generate(spec)
    assert "body text COMPRESSION lz4," in next(f.text for f in result.sql_files if f.name.startswith("001_"))
    report = run_verify(result, fresh_db.dsn)
    if _has_lz4(fresh_db.dsn):
        assert report.ok, "\n".join(report.problems)
    else:
        assert not report.ok and any("lz4" in p for p in report.problems)
