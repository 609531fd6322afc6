"""`schemagen generate` as users run it, whole processes, side by side with `drizzle-kit generate`.

    python bench/generate_scale.py                       # 1,000 tables: schemagen vs drizzle-kit, 5 runs each
    python bench/generate_scale.py --runs 3 100 1000 10000   # linearity (drizzle-kit too, unless --no-drizzle)
    python bench/generate_scale.py --docs 1000           # schemagen also writes the docs
    python bench/generate_scale.py --no-cold --no-drizzle 1000   # only the edit-one-table loop (goal 2)

The workload of issue 14: N tables (plus ``tenants``), each with 10 columns, a foreign key to
``tenants``, 3 indexes (one partial, one descending), RLS with 4 policies, an updated_at trigger and
grants, in one migration; TypeScript types on. Each run is a fresh process writing into an empty
folder (``schemagen generate --spec S --out O``; ``drizzle-kit generate`` with a config pointing at
the same schema written as a drizzle TypeScript file, with no earlier snapshot). The figure is the
median wall time of ``--runs`` runs; peak memory is the largest resident set of the process
(``ru_maxrss`` of that child, from ``os.wait4``). Nothing is traced or profiled in a timed run.

The incremental figures (goal 2): an ``out/`` whose cache under ``out/.schemagen/cache`` is warm,
then ``generate`` and ``check`` with nothing changed, one table edited (a column added), ``check``
(refused: exit 1), ``migrate``, ``generate`` and ``check`` again, and ``check`` once more with the
stamp removed (the full path); each a whole process, with the cache and without it
(``SCHEMAGEN_NO_CACHE=1``, which also disables the stamp).

drizzle-kit is installed in ``bench/drizzle`` (its own package.json and lock, not the project's):
``npm ci --prefix bench/drizzle``. What drizzle-kit does not do (and is not asked to): rollbacks,
validation by the Postgres grammar, types, history snapshots, triggers and grants.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DRIZZLE = ROOT / "bench" / "drizzle"
SCHEMAGEN = Path(sys.executable).with_name("schemagen")


def table_spec(i: int) -> dict:
    """One synthetic table: 10 columns, FK to tenants, 3 indexes, 4 policies, a trigger, grants."""
    return {
        "name": f"t{i:05d}",
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
    }


def synth_spec(n: int, docs: bool = False) -> dict:
    """An N-table spec (plus tenants) in one migration, TypeScript types on."""
    tenants = {"name": "tenants",
               "columns": [{"name": "id", "type": "uuid", "primary_key": True, "default": "gen_random_uuid()"},
                           {"name": "name", "type": "text", "nullable": False}]}
    touch = {"name": "touch", "returns": "trigger", "language": "plpgsql",
             "body": "begin\n  new.updated_at := now();\n  return new;\nend;"}
    return {"outputs": {"types": True, "docs": docs, "seed": False},
            "migrations": [{"number": 1, "name": "init", "functions": [touch],
                            "tables": [tenants, *(table_spec(i) for i in range(n))]}]}


_TS_TYPES = {"uuid": "uuid", "text": "text", "integer": "integer", "jsonb": "jsonb", "boolean": "boolean"}


def _ts_column(col: dict) -> str:
    """One column of the synthetic spec as a drizzle column builder."""
    name, typ = col["name"], col["type"]
    b = (f'timestamp("{name}", {{ withTimezone: true }})' if typ == "timestamptz"
         else f'{_TS_TYPES[typ]}("{name}")')
    if col.get("primary_key"):
        b += ".primaryKey()"
    if col.get("nullable") is False:
        b += ".notNull()"
    default = col.get("default")
    if default == "gen_random_uuid()":
        b += ".defaultRandom()"
    elif default == "now()":
        b += ".defaultNow()"
    elif default is not None:
        b += f".default(sql`{default}`)"
    if "references" in col:
        b += f'.references(() => {col["references"]["table"]}.id, {{ onDelete: "cascade" }})'
    return f"  {name}: {b},"


def drizzle_schema(spec: dict) -> str:
    """The spec's tables as a drizzle-orm schema file: the same columns, keys, indexes and policies."""
    out = ['import { sql } from "drizzle-orm";',
           'import { boolean, check, index, integer, jsonb, pgPolicy, pgRole, pgTable, text, timestamp, uuid }'
           ' from "drizzle-orm/pg-core";',
           "",
           'export const authenticated = pgRole("authenticated").existing();',
           ""]
    for t in spec["migrations"][0]["tables"]:
        name = t["name"]
        out.append(f'export const {name} = pgTable("{name}", {{')
        out += [_ts_column(c) for c in t["columns"]]
        extras = []
        for c in t["columns"]:
            if "check" in c:
                extras.append(f'  check("{name}_{c["name"]}_check", sql`{c["check"]}`),')
        for ix in t.get("indexes", []):
            parts, names = [], []
            for c in ix["columns"]:
                if isinstance(c, dict):
                    parts.append(f't.{c["column"]}' + (".desc()" if c.get("order") == "desc" else ".asc()"))
                    names.append(c["column"])
                else:
                    parts.append(f"t.{c}")
                    names.append(c)
            b = f'  index("{name}_{"_".join(names)}_idx").on({", ".join(parts)})'
            if "where" in ix:
                b += f'.where(sql`{ix["where"]}`)'
            extras.append(b + ",")
        for p in t.get("policies", []):
            opts = ['as: "permissive"', f'for: "{p["command"]}"', "to: authenticated"]
            if "using" in p:
                opts.append(f'using: sql`{p["using"]}`')
            if "with_check" in p:
                opts.append(f'withCheck: sql`{p["with_check"]}`')
            extras.append(f'  pgPolicy("{p["name"]}", {{ {", ".join(opts)} }}),')
        if extras:
            out.append("}, (t) => [")
            out += extras
            out.append("]).enableRLS();" if t.get("policies") else "]);")
        else:
            out.append("});")
        out.append("")
    return "\n".join(out)


@dataclass
class Timing:
    """Whole-process runs of one tool on one size."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float, peak: float) -> None:
        self.walls.append(wall)
        self.cpus.append(cpu)
        self.peaks.append(peak)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak(self) -> float:
        return max(self.peaks)


def run_process(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
                expect: int = 0) -> tuple[float, float, float]:
    """Run ``cmd`` to completion; (wall s, CPU s (user + system), peak resident MiB) of that process.

    The figures are the child's own (``os.wait4``: what ``getrusage(RUSAGE_CHILDREN)`` adds up,
    for this one child), so earlier children do not hide a smaller peak. Any exit code but
    ``expect`` stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != expect:
        raise SystemExit(f"{' '.join(cmd[:3])}… failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss: KiB on Linux


def child_env(*, cache: bool = True, baseline: Path | None = None) -> dict[str, str]:
    """The environment of a timed schemagen: bytecode is written and read as an installed package's
    is (``PYTHONDONTWRITEBYTECODE``, set on this machine, would recompile our modules every run);
    ``cache`` off sets ``SCHEMAGEN_NO_CACHE``; ``baseline`` runs the ``generator`` package found
    in that folder (an exported older commit) instead of this one."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SCHEMAGEN_NO_CACHE")}
    if not cache:
        env["SCHEMAGEN_NO_CACHE"] = "1"
    if baseline is not None:
        env["PYTHONPATH"] = str(baseline)
    return env


def schemagen(env: dict[str, str]) -> list[str]:
    """The command that runs schemagen in ``env``: the console script, or, for a baseline generator
    older than the script's entry module (``generator.entry``), its command line module."""
    base = env.get("PYTHONPATH")
    if base and not (Path(base) / "generator" / "entry.py").is_file():
        return [sys.executable, "-c", "import sys; from generator.cli import main; sys.exit(main())"]
    return [str(SCHEMAGEN)]


def time_schemagen(spec_path: Path, work: Path, runs: int, env: dict[str, str]) -> tuple[Timing, int]:
    """Timing of ``runs`` fresh generates (after one untimed, which writes the bytecode), and the
    size of out/ (bytes)."""
    timing, size = Timing(), 0
    for r in range(-1, runs):
        out = work / f"out-{r}"
        figures = run_process([*schemagen(env), "generate", "--spec", str(spec_path), "--out", str(out)], work, env)
        if r >= 0:
            timing.add(*figures)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        shutil.rmtree(out)
    return timing, size


def edited_spec(spec: dict) -> dict:
    """``spec`` with one table changed: a nullable column added to the middle table (one migration)."""
    tables = spec["migrations"][0]["tables"]
    middle = tables[len(tables) // 2]
    edited = {**middle, "columns": [*middle["columns"], {"name": "note", "type": "text"}]}
    return {**spec, "migrations": [{**spec["migrations"][0],
                                    "tables": [edited if t is middle else t for t in tables]}]}


@dataclass
class Incremental:
    """Whole-process runs after one table changed, with the cache (warm) and without it."""

    steps: dict[str, Timing] = field(default_factory=dict)

    def add(self, step: str, figures: tuple[float, float, float]) -> None:
        self.steps.setdefault(step, Timing()).add(*figures)


INCREMENTAL_STEPS = ("generate, nothing changed", "check, nothing changed", "check after an edit (exit 1)",
                     "migrate after an edit", "generate after it", "check after it",
                     "check after it, no stamp")


def time_incremental(spec: dict, spec_path: Path, work: Path, runs: int, env: dict[str, str]) -> Incremental:
    """The edit loop of goal 2: a generated ``out/`` whose cache is warm (two generates: the first
    plans from the spec and stores the spec's blocks and its history as canonical; the second is
    answered by the stamp, as a user's would be), then, timed: generate
    and check with nothing changed, one table edited, ``migrate``, generate and check again."""
    edited = yaml.safe_dump(edited_spec(spec), sort_keys=False)
    base = work / "incremental-base"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir()
    shutil.copyfile(spec_path, base / "schema.yaml")
    for _ in range(2):
        run_process([*schemagen(env), "generate"], base, env)
    result = Incremental()
    for r in range(runs):
        folder = work / f"incremental-{r}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(base, folder)
        result.add(INCREMENTAL_STEPS[0], run_process([*schemagen(env), "generate"], folder, env))
        result.add(INCREMENTAL_STEPS[1], run_process([*schemagen(env), "check"], folder, env))
        (folder / "schema.yaml").write_text(edited, encoding="utf-8")
        # the spec has a change no migration records yet: check says so (a located error, exit 1)
        result.add(INCREMENTAL_STEPS[2], run_process([*schemagen(env), "check"], folder, env, expect=1))
        result.add(INCREMENTAL_STEPS[3], run_process([*schemagen(env), "migrate", "--name", "edit"], folder, env))
        result.add(INCREMENTAL_STEPS[4], run_process([*schemagen(env), "generate"], folder, env))
        result.add(INCREMENTAL_STEPS[5], run_process([*schemagen(env), "check"], folder, env))
        # the full path with the render cache warm: what runs when the stamp does not match
        (folder / "out" / ".schemagen" / "cache" / "stamp").unlink(missing_ok=True)
        result.add(INCREMENTAL_STEPS[6], run_process([*schemagen(env), "check"], folder, env))
        shutil.rmtree(folder)
    shutil.rmtree(base)
    return result


def time_drizzle(spec: dict, n: int, runs: int) -> Timing | None:
    """The same for ``drizzle-kit generate`` (None when bench/drizzle has no node_modules)."""
    bin_js = DRIZZLE / "node_modules" / "drizzle-kit" / "bin.cjs"
    if not bin_js.exists():
        print("  (drizzle-kit is not installed: npm ci --prefix bench/drizzle)", file=sys.stderr)
        return None
    work = DRIZZLE / ".work" / f"n{n}"  # inside bench/drizzle so that drizzle-orm resolves
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "schema.ts").write_text(drizzle_schema(spec), encoding="utf-8")
    timing = Timing()
    try:
        for r in range(runs):
            cfg = work / f"drizzle-{r}.config.ts"
            cfg.write_text('import { defineConfig } from "drizzle-kit";\n'
                           f'export default defineConfig({{ dialect: "postgresql", schema: "./schema.ts", '
                           f'out: "./out-{r}", entities: {{ roles: true }} }});\n', encoding="utf-8")
            timing.add(*run_process(["node", str(bin_js), "generate", f"--config={cfg.name}"], work))
            if not any((work / f"out-{r}").glob("*.sql")):
                raise SystemExit("drizzle-kit wrote no migration")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return timing


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000], help="numbers of tables (default 1000)")
    ap.add_argument("--runs", type=int, default=5, help="whole-process runs per tool and size (median)")
    ap.add_argument("--docs", action="store_true", help="schemagen also writes the documentation")
    ap.add_argument("--no-drizzle", action="store_true", help="skip drizzle-kit")
    ap.add_argument("--no-incremental", action="store_true", help="skip the edit-one-table figures")
    ap.add_argument("--no-cold", action="store_true", help="only the edit-one-table figures")
    ap.add_argument("--baseline", type=Path, metavar="DIR",
                    help="also time the generator package in DIR (e.g. `git archive <commit> | tar -x -C DIR`)")
    args = ap.parse_args(argv)
    print(f"{'tables':>7} | {'schemagen wall':>14} {'cpu':>6} {'MiB':>5} | {'drizzle-kit wall':>16} {'cpu':>6} "
          f"{'MiB':>5} | {'wall ratio':>10} {'cpu ratio':>9} | {'s/1k tables':>11}")
    with tempfile.TemporaryDirectory(prefix="schemagen-scale-") as tmp:
        for n in args.sizes:
            spec = synth_spec(n, docs=args.docs)
            spec_path = Path(tmp) / f"spec_{n}.yaml"
            spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
            d = None if args.no_drizzle else time_drizzle(spec, n, args.runs)
            variants = [("", child_env())]
            if args.baseline:
                variants.append(("baseline", child_env(baseline=args.baseline.resolve())))
            for label, env in [] if args.no_cold else variants:
                s, size = time_schemagen(spec_path, Path(tmp), args.runs, env)
                line = f"{label or n:>7} | {s.wall:>14.2f} {s.cpu:>6.2f} {s.peak:>5.0f} | "
                line += (f"{d.wall:>16.2f} {d.cpu:>6.2f} {d.peak:>5.0f} | {s.wall / d.wall:>10.2f} "
                         f"{s.cpu / d.cpu:>9.2f}" if d else f"{'-':>16} {'-':>6} {'-':>5} | {'-':>10} {'-':>9}")
                print(f"{line} | {s.wall / n * 1000:>11.2f}", flush=True)
                print(f"{'':>7}   schemagen runs {' '.join(f'{w:.2f}' for w in s.walls)}; out/ "
                      f"{size / 2**20:.1f} MiB" + (f"; drizzle-kit runs {' '.join(f'{w:.2f}' for w in d.walls)}"
                                                  if d else ""), flush=True)
            if not args.no_incremental:
                columns = [("cache", time_incremental(spec, spec_path, Path(tmp), args.runs, child_env())),
                           ("no cache", time_incremental(spec, spec_path, Path(tmp), args.runs,
                                                         child_env(cache=False)))]
                if args.baseline:
                    columns.append(("baseline", time_incremental(spec, spec_path, Path(tmp), args.runs,
                                                                 child_env(baseline=args.baseline.resolve()))))
                print(f"\n{n} tables, one table edited ({args.runs} runs; wall s, cpu s, peak MiB):")
                print(f"  {'':<30}" + "".join(f" | {name + ' wall':>13} {'cpu':>5} {'MiB':>4}" for name, _ in columns)
                      + f" | {'cpu vs drizzle':>14}")
                for step in INCREMENTAL_STEPS:
                    cells = [c.steps[step] for _, c in columns]
                    ratio = f"{cells[0].cpu / d.cpu:>14.2f}" if d else f"{'-':>14}"
                    print(f"  {step:<30}" + "".join(f" | {t.wall:>13.2f} {t.cpu:>5.2f} {t.peak:>4.0f}" for t in cells)
                          + f" | {ratio}", flush=True)
                print("", flush=True)
    print("\nwall = median of whole-process runs (s); cpu = median user + system CPU of the process (s), "
          "less sensitive to other work on the machine; MiB = peak resident set; ratio = schemagen / drizzle-kit "
          "(goal 1: <= 0.25)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
