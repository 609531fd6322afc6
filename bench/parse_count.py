"""How many times pglast's parser runs during ``schemagen generate`` (a figure, not a test).

Every pglast entry point that parses (``parse_sql_json``, ``parse_plpgsql_json``, ``parse_sql``,
``scan``, ``split``) is wrapped before the generator is imported, then the CLI's ``generate`` runs
on a spec into a temporary folder. Calls are counted per entry point, with the number of distinct
texts: the gap between the two is what a cache by text saves.

    .venv/bin/python bench/parse_count.py                  # schema.yaml
    .venv/bin/python bench/parse_count.py --spec other.yaml
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pglast.parser as pgp

CALLS: collections.Counter[str] = collections.Counter()
CALLERS: collections.Counter[tuple[str, str]] = collections.Counter()
TEXTS: dict[str, set[str]] = collections.defaultdict(set)


def _wrap(name: str) -> None:
    real: Callable[..., Any] = getattr(pgp, name)

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        CALLS[name] += 1
        TEXTS[name].add(text)
        frame = sys._getframe(1)
        while frame.f_back is not None and "/generator/" not in frame.f_code.co_filename:
            frame = frame.f_back
        CALLERS[(name, frame.f_code.co_filename.split("/generator/")[-1])] += 1
        return real(text, *args, **kwargs)

    setattr(pgp, name, counted)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default="schema.yaml")
    args = ap.parse_args()
    for name in ("parse_sql_json", "parse_plpgsql_json", "parse_sql", "scan", "split"):
        _wrap(name)
    from generator.cli import app  # imported after wrapping: modules bind the names at import

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        try:
            app(["generate", "--spec", args.spec, "--out", str(Path(tmp) / "out")], standalone_mode=False)
        except SystemExit as exc:
            if exc.code:
                return int(exc.code)
        took = time.perf_counter() - start
    total = sum(CALLS.values())
    for name, n in sorted(CALLS.items()):
        print(f"{name:20} {n:6} calls {len(TEXTS[name]):6} distinct texts")
    for (name, caller), n in sorted(CALLERS.items()):
        print(f"  {name:18} {n:6} from generator/{caller}")
    print(f"{'total':20} {total:6} calls {sum(len(t) for t in TEXTS.values()):6} distinct texts  ({took:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
