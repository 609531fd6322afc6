"""Planning one added column in a large spec: ``plan(old, new)`` alone and the whole migrate path.

    python bench/plan_one_column.py            # 1,000 tables (target: plan ≤ 0.5 s)
    python bench/plan_one_column.py 100 1000 5000

The old state is the history ``generate`` writes for a synthetic N-table spec
(``generate_scale.synth_spec``); the new spec adds one nullable column to one table. Figures, not
a pass/fail test: best of three runs.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_scale import synth_spec  # noqa: E402

from generator.history import load_history, normalize  # noqa: E402
from generator.ir import build  # noqa: E402
from generator.migrate import migrate, plan_next  # noqa: E402
from generator.output import write_out  # noqa: E402
from generator.pipeline import generate  # noqa: E402
from generator.plan import plan  # noqa: E402
from generator.spec import load_spec  # noqa: E402


def best(fn, runs: int = 3) -> tuple[float, object]:  # noqa: ANN001
    """Best wall time of ``runs`` calls, the cyclic GC paused as schemagen itself does."""
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times), result


def measure(n: int, folder: Path) -> dict[str, float]:
    data = synth_spec(n)
    spec, out = folder / "schema.yaml", folder / "out"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    write_out(out, generate(spec, validate=False).files)
    table = data["migrations"][0]["tables"][n // 2 + 1]
    table["columns"].append({"name": "embedding_model", "type": "text"})
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    old = load_history(out)[-1].state
    new = normalize(build(load_spec(spec)))
    t_plan, p = best(lambda: plan(old, new, online=True))
    assert [op.action for op in p.ops] == ["add_column"], p.ops  # type: ignore[attr-defined]
    t_load, _ = best(lambda: load_history(out))
    t_next, _ = best(lambda: plan_next(spec, out))
    t_all, _ = best(lambda: migrate(spec, out, "add_embedding_model", write=False), runs=1)
    return {"objects": len(new.objects), "plan": t_plan, "load history": t_load,
            "spec→plan (load, build, history, plan)": t_next, "migrate (lint, render every file; no write)": t_all}


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000]
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            figures = measure(n, Path(d))
        objects = figures.pop("objects")
        print(f"{n} tables ({objects} objects):")
        for name, seconds in figures.items():
            print(f"  {name:45s} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
