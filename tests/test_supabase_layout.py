"""outputs: {layout: supabase}: a Supabase CLI project beside the plain files, from declared versions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.outdb import OUT

SPEC = """\
version: 1
outputs: {layout: supabase, versions: VERSIONS}
migrations:
  - number: 1
    name: init
    tables:
      - name: t
        columns: [{name: id, type: int, primary_key: true}]
        grants: [{privileges: [select], to: [service_role]}]
  - number: 2
    name: more
    rollback_name: less
    tables:
      - name: u
        columns: [{name: id, type: int, primary_key: true}]
        grants: [{privileges: [select], to: [service_role]}]
"""


def _generate(tmp_path: Path, versions: str) -> subprocess.CompletedProcess[str]:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC.replace("VERSIONS", versions), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "generator.cli", "generate", "--spec", str(spec), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, check=False, cwd=tmp_path)


def test_layout_files_are_the_migrations_under_their_versions(tmp_path: Path) -> None:
    run = _generate(tmp_path, "{1: 20240101000001, 2: 20240315120000}")
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    assert sorted(str(p.relative_to(out)) for p in (out / "supabase").rglob("*")) == [
        "supabase/migrations", "supabase/migrations/20240101000001_init.sql",
        "supabase/migrations/20240315120000_more.sql", "supabase/rollbacks",
        "supabase/rollbacks/20240101000001_rollback_001_init.sql",
        "supabase/rollbacks/20240315120000_rollback_002_less.sql", "supabase/rollbacks/rollback_all.sql"]
    assert (out / "supabase/migrations/20240315120000_more.sql").read_bytes() == (out / "002_more.sql").read_bytes()
    assert (out / "supabase/rollbacks/20240315120000_rollback_002_less.sql").read_bytes() == \
        (out / "rollback_002_less.sql").read_bytes()


def test_missing_or_unordered_versions_are_located_errors(tmp_path: Path) -> None:
    run = _generate(tmp_path, "{1: 20240101000001}")
    assert run.returncode == 2
    assert "schema.yaml:2:39: layout supabase needs a 14-digit version for every migration; missing: 002" in run.stderr
    assert not (tmp_path / "out").exists()
    run = _generate(tmp_path, "{1: 20240101000002, 2: 2024010100001}")  # 13 digits, and smaller
    assert "versions must increase" in run.stderr and "is not 14 digits" in run.stderr and run.returncode == 2


def test_platform_layout_is_committed() -> None:
    names = sorted(p.name for p in (OUT / "supabase" / "migrations").iterdir())
    assert names[0] == "20240101000001_create_tenants_table.sql"
    assert names[-1] == "20240101000009_read_policies_one_helper_call.sql"
    seed = (OUT / "supabase" / "seed.sql").read_text(encoding="utf-8")
    assert seed.endswith((OUT / "seed_test_data.sql").read_text(encoding="utf-8"))
    assert len(list((OUT / "supabase" / "tests").glob("rls_*.test.sql"))) == 13


def test_migrate_uses_the_version_declared_for_the_next_migration(tmp_path: Path) -> None:
    assert _generate(tmp_path, "{1: 20240101000001, 2: 20240101000002, 3: 20240601000000}").returncode == 0
    spec = tmp_path / "schema.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("- name: t\n        columns: [{name: id, type: int, primary_key: true}]",
                                 "- name: t\n        columns: [{name: id, type: int, primary_key: true}, "
                                 "{name: note, type: text}]"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "generator.cli", "migrate", "--name", "add_note", "--spec", str(spec),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    assert (out / "supabase/migrations/20240601000000_add_note.sql").read_bytes() == \
        (out / "003_add_note.sql").read_bytes()
