"""Generate-and-validate wall time and peak memory for a synthetic N-table spec.

    python bench/generate_scale.py 100 1000 10000        # migrations, rollbacks, validation
    python bench/generate_scale.py --all 1000            # plus database.types.ts and docs

Each table has about 10 columns, a foreign key to ``tenants``, 3 indexes (one partial), RLS with
4 policies and an updated_at trigger. Figures, not a pass/fail test: compare ratios within a run.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

from generator.ir.sql import expression_refs, statement_refs, type_refs
from generator.pipeline import generate

OUTPUTS = {"docs": False, "types": False, "seed": False}  # --all turns them on


def synth_spec(n: int) -> dict:
    """An N-table spec (plus tenants) in one migration."""
    tables = [{
        "name": "tenants",
        "columns": [{"name": "id", "type": "uuid", "primary_key": True, "default": "gen_random_uuid()"},
                    {"name": "name", "type": "text", "nullable": False}],
    }]
    for i in range(n):
        t = f"t{i:05d}"
        tables.append({
            "name": t,
            "columns": [
                {"name": "id", "type": "uuid", "primary_key": True, "default": "gen_random_uuid()"},
                {"name": "tenant_id", "type": "uuid", "nullable": False,
                 "references": {"table": "tenants", "on_delete": "cascade"}},
                {"name": "owner_id", "type": "uuid", "nullable": False},
                {"name": "title", "type": "text", "nullable": False, "check": f"length(title) <= {100 + i % 50}"},
                {"name": "body", "type": "text"},
                {"name": "score", "type": "integer", "nullable": False, "default": "0"},
                {"name": "meta", "type": "jsonb", "nullable": False, "default": "'{}'::jsonb"},
                {"name": "archived", "type": "boolean", "nullable": False, "default": "false"},
                {"name": "created_at", "type": "timestamptz", "nullable": False, "default": "now()"},
                {"name": "updated_at", "type": "timestamptz", "nullable": False, "default": "now()"},
            ],
            "indexes": [
                {"columns": ["tenant_id", {"column": "created_at", "order": "desc"}]},
                {"columns": ["owner_id", "updated_at"], "where": "archived = false"},
                {"columns": ["score"]},
            ],
            "policies": [
                {"name": "read", "command": "select", "roles": ["authenticated"],
                 "using": f"tenant_id = (select auth.uid()) and score >= {i % 7}"},
                {"name": "insert", "command": "insert", "roles": ["authenticated"],
                 "with_check": "owner_id = (select auth.uid())"},
                {"name": "update", "command": "update", "roles": ["authenticated"],
                 "using": "owner_id = (select auth.uid())", "with_check": "owner_id = (select auth.uid())"},
                {"name": "delete", "command": "delete", "roles": ["authenticated"],
                 "using": "owner_id = (select auth.uid())"},
            ],
            "triggers": [{"name": "touch", "timing": "before", "events": ["update"], "function": "touch"}],
            "grants": [{"privileges": ["select", "insert", "update", "delete"], "to": ["authenticated"]}],
        })
    touch = {"name": "touch", "returns": "trigger", "language": "plpgsql",
             "body": "begin\n  new.updated_at := now();\n  return new;\nend;"}
    return {"outputs": OUTPUTS, "migrations": [{"number": 1, "name": "init", "functions": [touch], "tables": tables}]}


def measure(n: int, folder: Path) -> tuple[float, float, dict[str, float], int]:
    spec = folder / f"spec_{n}.yaml"
    spec.write_text(yaml.safe_dump(synth_spec(n), sort_keys=False), encoding="utf-8")
    def cold() -> None:
        for cache in (expression_refs, statement_refs, type_refs):
            cache.cache_clear()  # a cold run, as a fresh process would be

    cold()
    start = time.perf_counter()
    result = generate(spec)
    wall = time.perf_counter() - start
    cold()  # memory in a second run: tracemalloc slows Python down several times
    tracemalloc.start()
    generate(spec)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(len(f.text) for f in result.files)
    return wall, peak / 2**20, result.timings, size


def main(argv: list[str]) -> None:
    if "--all" in argv:  # also TypeScript types and documentation
        OUTPUTS.update(docs=True, types=True)
    sizes = [int(a) for a in argv if a != "--all"] or [100, 1000]
    print(f"{'tables':>7} {'wall s':>8} {'s/1k tables':>12} {'peak MiB':>9} {'out MiB':>8}  stages (s)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            wall, peak, timings, size = measure(n, Path(tmp))
            stages = " ".join(f"{k}={v:.3f}" for k, v in timings.items())
            print(f"{n:>7} {wall:>8.3f} {wall / n * 1000:>12.3f} {peak:>9.1f} {size / 2**20:>8.2f}  {stages}")


if __name__ == "__main__":
    main(sys.argv[1:])
