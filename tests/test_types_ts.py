"""database.types.ts under the TypeScript compiler.

(a) ``tests/ts/usage.ts`` uses out/database.types.ts with @supabase/supabase-js under ``tsc --strict``:
    correct queries compile and each ``@ts-expect-error`` (wrong column, wrong value type, missing
    required insert field, ...) must be an error.
(b) Equivalence with Supabase's own generator: apply a spec's migrations to a real Postgres, run
    postgres-meta 0.99.0's typegen against it (what ``supabase gen types typescript`` runs), and let
    ``tsc`` prove with ``tests/ts/equivalence.ts`` that our Database and theirs are mutually
    assignable, object by object (Row, Insert, Update, Relationships, Args, Returns, Enums).

Both need the repo's Node packages (``npm ci``); without node_modules they skip, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from generator.pipeline import generate
from generator.spec import load_spec
from generator.verify.backends import Server
from generator.verify.cron import install_cron
from generator.verify.run import migration_files
from generator.verify.standin import ensure_roles, install_supabase_standin

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
TSC = NODE_MODULES / ".bin" / "tsc"
PG_META = NODE_MODULES / "@supabase" / "postgres-meta" / "dist" / "server" / "server.js"
TS_DIR = Path(__file__).parent / "ts"

needs_node = pytest.mark.skipif(
    not TSC.exists() or not PG_META.exists() or shutil.which("node") is None,
    reason="Node packages missing: run `npm ci` in the repo root (CI does)",
)


def _specs() -> list[Path]:
    """The platform spec and every golden case that generates types (types_* were written for this)."""
    cases = sorted((ROOT / "tests" / "cases").iterdir())
    specs = [ROOT / "schema.yaml", *(c / "schema.yaml" for c in cases if (c / "schema.yaml").is_file())]
    return [s for s in specs if load_spec(s).spec.outputs.types]


def _spec_id(spec: Path) -> str:
    return "platform" if spec.parent == ROOT else spec.parent.name


def _tsc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TSC), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@needs_node
def test_usage_typechecks_against_supabase_js() -> None:
    proc = _tsc("-p", str(TS_DIR / "tsconfig.json"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _supabase_types(server: Server, spec: Path) -> tuple[str, str]:
    """(our database.types.ts, postgres-meta's) for ``spec``, its migrations applied to a fresh database."""
    result = generate(spec, display="schema.yaml")
    texts = {f.name: f.text for f in result.files}
    schemas = ",".join(result.loaded.spec.types.schemas)
    with server.new_database() as db:
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            install_supabase_standin(conn)
            install_cron(conn)  # the platform schedules pg_cron jobs
            ensure_roles(conn, list(result.loaded.spec.roles))
            for up, _ in migration_files(result):
                conn.execute(texts[up])  # type: ignore[arg-type]
        # node's URL parser refuses an empty host; the socket directory still wins via ?host=
        url = re.sub(r"^postgresql://([^@/]*)@/", r"postgresql://\1@localhost/", db.dsn)
        env = dict(os.environ, PG_META_DB_URL=url, PG_META_GENERATE_TYPES="typescript",
                   PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS=schemas,
                   PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS="true")
        proc = subprocess.run(["node", str(PG_META)], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 0 and "export type Database" in proc.stdout, proc.stderr[-2000:]
    return texts["database.types.ts"], proc.stdout


@pytest.fixture(scope="module")
def equivalence(pg_server: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """tsc's complaints per spec id ('' when ours and Supabase's Database are equivalent)."""
    base = tmp_path_factory.mktemp("types_equivalence")
    files = {}
    for spec in _specs():
        ours, theirs = _supabase_types(pg_server, spec)
        d = base / _spec_id(spec)
        d.mkdir()
        (d / "ours.ts").write_text(ours, encoding="utf-8")
        (d / "theirs.ts").write_text(theirs, encoding="utf-8")
        shutil.copy(TS_DIR / "equivalence.ts", d / "equivalence.ts")
        files[_spec_id(spec)] = d / "equivalence.ts"
    proc = _tsc("--strict", "--noEmit", "--skipLibCheck", "--target", "ES2022",
                *map(str, files.values()))
    blocks: list[str] = []
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith(" ") and blocks:
            blocks[-1] += "\n" + line
        elif line.strip():
            blocks.append(line)
    found = {sid: "\n".join(b for b in blocks if f"/{sid}/" in b) for sid in files}
    stray = [b for b in blocks if not any(f"/{sid}/" in b for sid in files)]
    assert proc.returncode == 0 or any(found.values()), "\n".join(stray)
    return found

@needs_node
@pytest.mark.parametrize("spec", _specs(), ids=_spec_id)
def test_database_type_equals_supabase_generator(equivalence: dict[str, str], spec: Path, pg_server: Server) -> None:
    if _spec_id(spec) == "partitioned_tables" and pg_server.server_version < 170000:
        # before PostgreSQL 17 a partition does not inherit its parent's identity column, so
        # postgres-meta types a partition's id as required on insert; ours describe 17 and later (the
        # API reaches partitions only through their parent, whose types agree on every version)
        pytest.skip("partitions inherit identity columns from PostgreSQL 17 on")
    assert equivalence[_spec_id(spec)] == "", equivalence[_spec_id(spec)]
