"""``schemagen migrate``: the next numbered migration (and its exact rollback) from an edited spec.

Compares the spec's state with the state after the last migration of the history, plans the
change for a live database, refuses destructive changes unless allowed, and writes the new
migration, its rollback, its history entry and everything rendered from the current model
(``rollback_all.sql``, types, docs) in one all-or-nothing write.
"""

from __future__ import annotations

import gc
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache
from .errors import Pos, Problem, RefusedChange, SpecError
from .history import Backfill, Entry, Next, Rename, load_history, remember_canonical
from .history import plan_next as history_next
from .ir import build
from .ir.model import MigrationInfo, Model
from .lint import RULES
from .output import locked_out, write_out
from .pipeline import Result, generate
from .plan import Op, Plan
from .render.sql import migration_file_names
from .spec import load_spec
from .stamp import SpecRead, write_stamp

NAME = re.compile(r"[a-z0-9][a-z0-9_]*\Z")


class NothingToMigrate(SpecError):
    """The spec has no change since the last migration."""

    exit_code = 1


class DestructiveChange(SpecError):
    """The change would lose data and ``--allow-destructive`` was not given."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Migrated:
    """What ``migrate`` did: the new history entry, its plan, the files written and timings."""

    entry: Entry
    plan: Plan
    result: Result
    changed: list[str]
    removed: list[str]
    timings: dict[str, float]

    @property
    def files(self) -> tuple[str, str]:
        return migration_file_names(self.entry.info)


def _where(op: Op, model: Model, spec_pos: Pos) -> Pos:
    """Where in the spec a destructive op comes from: the object (or its table), else the spec."""
    obj = model.objects.get(op.obj.id)
    if obj is not None and op.part is not None:
        col = next((c for c in getattr(obj, "columns", ()) if c.name == op.part.name), None)
        if col is not None and col.pos.line:
            pos: Pos = col.pos
            return pos
    if obj is not None and obj.pos.line:
        return obj.pos
    return spec_pos


def destructive_problems(p: Plan, model: Model, spec_pos: Pos) -> list[Problem]:
    """One located problem per op of ``p`` that can lose data."""
    hint = "pass --allow-destructive to write it anyway (its rollback will say what it cannot restore)"
    return [Problem(_where(op, model, spec_pos), f"refusing to lose data: {loss}", hint)
            for op, loss in p.destructive()]


def plan_next(spec_path: str | Path, out: str | Path, *, display: str | None = None, cache: Cache | None = None
              ) -> tuple[list[Entry], Model, Model, Plan, tuple[Rename, ...], tuple[Backfill, ...]]:
    """(history, spec model, its state, the plan from the last migration to it, the renames and
    backfills it performs): :func:`generator.history.plan_next` on the spec and the history of
    ``out``. No I/O but reads; the lint runs when :func:`migrate` renders the files."""
    model = build(load_spec(spec_path, display=display or str(spec_path)), lint_rules=RULES)
    nxt = _next(model, out, cache)
    return nxt.history, model, nxt.state, nxt.plan, nxt.renames, nxt.backfills


def _next(model: Model, out: str | Path, cache: Cache | None) -> Next:
    """:func:`generator.history.plan_next` for the history of ``out``; a change the plan refuses is
    located at the object's declaration (the history's state has no positions)."""
    try:
        return history_next(load_history(out, cache), model)
    except RefusedChange as exc:
        obj = model.objects.get(exc.oid)  # type: ignore[call-overload]
        raise SpecError([Problem(obj.pos if obj else None, pr.message, pr.hint) for pr in exc.problems]) from None


def migrate(spec_path: str | Path, out: str | Path, name: str, *, description: str | None = None,
            allow_destructive: bool = False, templates: str | None = None, display: str | None = None,
            write: bool = True) -> Migrated:
    """Append migration ``name`` for the spec's changes since the last migration, and write ``out``.

    ``out`` is locked from reading its history to the end of the write, so two concurrent
    migrates cannot both number the same migration. The cyclic garbage collector is paused
    meanwhile, as in :func:`generator.pipeline.generate`.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with locked_out(Path(out), create=write):
            return _migrate(spec_path, out, name, description=description, allow_destructive=allow_destructive,
                            templates=templates, display=display, write=write)
    finally:
        if enabled:
            gc.enable()


def _migrate(spec_path: str | Path, out: str | Path, name: str, *, description: str | None,
             allow_destructive: bool, templates: str | None, display: str | None, write: bool) -> Migrated:
    timings: dict[str, float] = {}
    t = time.perf_counter()
    spec_name = display or Path(spec_path).name
    spec_pos = Pos(display or str(spec_path), 1, 1)
    if not NAME.match(name):
        raise SpecError([Problem(None, f"migration name {name!r} must be lower case letters, digits and _")])
    read = SpecRead(Path(spec_path))  # the stamp (generator/stamp.py) needs the spec unchanged by the end
    cache = Cache.for_out(out, templates=templates)  # cache hook: earlier migrations are not rendered again
    loaded = load_spec(spec_path, display=display or str(spec_path), cache=cache)
    model = build(loaded, lint_rules=RULES)
    nxt = _next(model, out, cache)
    history, p = nxt.history, nxt.plan
    timings["plan"] = time.perf_counter() - t
    last = history[-1].info
    if not p:
        raise NothingToMigrate([Problem(None, f"{spec_name} has no changes since migration {last.tag}_{last.name}; "
                                              "nothing to migrate")])
    problems = [] if allow_destructive else destructive_problems(p, model, spec_pos)
    if problems:
        raise DestructiveChange(problems)
    info = MigrationInfo(number=last.number + 1, name=name, rollback_name=name,
                         description=description or _describe(p))
    entry = nxt.entry(info)
    t = time.perf_counter()
    # append to the history, then generate: the new migration is rendered from the history like
    # every released one, with everything else rendered from the current model
    result = generate(spec_path, templates=templates, display=display, history=[*history, entry], cache=cache,
                      built=(loaded, model), planned=nxt.planned(info))  # the spec is read, built, planned once
    timings["render"] = time.perf_counter() - t
    changed: list[str] = []
    removed: list[str] = []
    if write:
        t = time.perf_counter()
        changed, removed = write_out(Path(out), result.files)
        written = next((f for f in result.files if f.name == entry.file_name), None)
        if written is not None:  # the next run reads the new history file lazily (generator/history.py)
            remember_canonical(cache, entry, written.text)
        cache.save()
        if display is None:  # the files `generate` writes for this spec (its name is in their headers)
            write_stamp(Path(spec_path), Path(out), templates, read)
        timings["write"] = time.perf_counter() - t
    return Migrated(entry, p, result, changed, removed, timings)


def _describe(p: Plan) -> str:
    """A one-line summary of a plan: ``Generated by schemagen migrate: 3 changes (…)``."""
    counts: dict[str, int] = {}
    for op in p.ops:
        counts[op.action.replace("_", " ")] = counts.get(op.action.replace("_", " "), 0) + 1
    listed = ", ".join(f"{n} {a}" for a, n in sorted(counts.items()))
    return f"Written by `schemagen migrate`: {listed}."
