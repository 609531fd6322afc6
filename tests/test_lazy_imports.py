"""``generate`` does not import what only other commands need (issue 14: imports are part of every
run's time). Checked in a fresh interpreter: the command line module, then a whole generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CASE = Path(__file__).parent / "cases" / "rls_policies" / "schema.yaml"

SCRIPT = """
import sys
from generator.cli import app
loaded = [m for m in ("psycopg", "generator.pull.run", "generator.pull.catalog", "generator.render.supabase",
                      "generator.render.docs") if m in sys.modules]
assert not loaded, f"importing the command line loaded {loaded}"
app(["generate", "--spec", sys.argv[1], "--out", sys.argv[2]], standalone_mode=False)
assert "psycopg" not in sys.modules, "generate (no supabase layout) imported psycopg"
"""


def test_generate_does_not_import_psycopg_or_pull(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(CASE), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / "001_rls.sql").is_file()
