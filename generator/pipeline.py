"""The stages wired together: spec → ir → plan → render → validate, with no I/O but reading the spec."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import Cache, unvalidated, validated
from .errors import Pos, ValidationError
from .history import (
    CANONICAL,
    Entry,
    history_digest,
    history_files,
    history_for,
    load_history,
    remember_first_history,
)
from .ir import build
from .ir.ids import ObjectId
from .ir.model import Model
from .lint import RULES, LintError, blocking, run_lint
from .output import GeneratedFile, locked_out, release_free_memory
from .parallel import RollbackWorker
from .render.result import Result
from .spec import LoadedSpec, load_spec

if TYPE_CHECKING:
    from .plan import Plan

__all__ = ["Result", "generate", "generate_current"]


def generate(spec_path: str | Path, *, templates: str | None = None, validate: bool = True,
             display: str | None = None, history: list[Entry] | None = None, cache: Cache | None = None,
             built: tuple[LoadedSpec, Model] | None = None, planned: Mapping[int, Plan] | None = None) -> Result:
    """Run every stage on ``spec_path``; raises SpecError or ValidationError on bad input.

    ``history`` (see :mod:`generator.history`, read from ``out/`` by the caller) fixes every
    released migration; the spec must not have changes it does not record. Without one, the first
    history is made from the spec's ``migrations:`` blocks and written too.

    The cyclic garbage collector is paused meanwhile: the stages allocate millions of small
    acyclic objects, and repeated full collections made the cost grow faster than the spec.

    ``cache`` (:mod:`generator.cache`, the caller saves it after writing ``out/``) skips rendering
    the migration files a history fixes and validating files an earlier run validated.

    ``built``: the spec ``spec_path`` loaded and built by the caller with the same arguments
    (``migrate`` builds it to plan the next migration): not read and built a second time.
    ``planned``: plans of ``history``'s migrations made already, by number (``migrate``'s new one,
    planned from the same states: see :func:`generator.history.history_plans`).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(spec_path, templates=templates, validate=validate, display=display,
                         history=history or [], cache=cache or Cache(None), built=built, planned=planned)
    finally:
        if enabled:
            gc.enable()


def _generate(spec_path: str | Path, *, templates: str | None, validate: bool, display: str | None,
              history: list[Entry], cache: Cache, built: tuple[LoadedSpec, Model] | None = None,
              planned: Mapping[int, Plan] | None = None) -> Result:
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = now - t
        t = now

    spec_name = display or Path(spec_path).name
    if built is None:
        loaded = load_spec(spec_path, display=display or str(spec_path), cache=cache)
        lap("load")
        model = build(loaded, lint_rules=RULES)  # every problem of the spec, its tests, fixtures and lint config
    else:
        loaded, model = built
        lap("load")
    lap("build")
    spec_pos = loaded.pos(())

    def where(oid: ObjectId) -> Pos:
        obj = model.objects.get(oid)
        if obj is None and oid.table:
            obj = model.objects.get(oid.relation())
        return obj.pos if obj is not None and obj.pos.line else spec_pos

    tpl = str(templates) if templates else None
    release_free_memory()  # what loading left (the YAML node tree), before the worker copies it
    # the first history: a worker renders the rollbacks, types and history file meanwhile (generator/parallel.py)
    worker = None if history else RollbackWorker.start(model, loaded, spec_name=spec_name, templates=tpl,
                                                       cache=cache, validate=validate, where=where)
    try:
        return _stages(loaded, model, spec_name, tpl, validate, history, cache, worker, where, timings, lap,
                       planned)
    finally:
        if worker is not None:
            worker.cancel()  # reaps it; nothing when it answered


def _stages(loaded: LoadedSpec, model: Model, spec_name: str, tpl: str | None, validate: bool,
            history: list[Entry], cache: Cache, worker: RollbackWorker | None, where: Callable[[ObjectId], Pos],
            timings: dict[str, float], lap: Callable[[str], None], planned: Mapping[int, Plan] | None = None
            ) -> Result:
    refused = blocking(run_lint(model, loaded))
    if refused:
        raise LintError(refused)
    lap("lint")
    from_history = bool(history)
    history, plans, model = history_for(model, history, spec_name, planned)
    lap("plan")
    # imported here, not with the module: a check refused above (lint, or a change no migration
    # records yet) renders nothing and so does not import Jinja and the renderers
    from .render.python_outputs import render_python
    from .render.seed import render_seed
    from .render.sql import interleave, render_migrations
    from .render.typescript import render_types
    from .validate import validate_sql_files

    written_history = history_files(history, streamed=not from_history)  # the first history: written, never read
    # cache hook (generator/cache.py): only plans read from a history are fixed by its texts
    digests = {e.info.number: history_digest(f.text) for e, f in zip(history, written_history, strict=True)} \
        if from_history and cache.enabled and all(e.state._index.get(CANONICAL) for e in history) else None
    # the first history: each file's cache entry, stored once the history texts are hashed (below)
    keep: dict[str, Any] | None = {} if not from_history and cache.enabled else None
    sql_files = render_migrations(model, plans, spec_name=spec_name, templates=tpl,
                                  online={e.info.number for e in history if e.online}, cache=cache, history=digests,
                                  only="up" if worker else None, keep=keep)
    parts = worker.finish(model, plans) if worker else None
    if worker:  # the rollbacks: the worker's, or made here when it failed (the error is then the one made here)
        sql_files = interleave(sql_files, parts.downs if parts else render_migrations(
            model, plans, spec_name=spec_name, templates=tpl, only="down", cache=cache, keep=keep))
        written_history = parts.history if parts and parts.history is not None else written_history
        if parts and keep is not None:
            keep.update(parts.entries)
    if not from_history:  # cache hook: the next run reads this first history without proving it
        hashed = _store_first_renders(cache, spec_name, history, plans, keep) if keep else None
        written_history = remember_first_history(cache, written_history, hashed)
    files = [GeneratedFile(f.name, f.text) for f in sql_files]
    files += written_history
    outputs = loaded.spec.outputs
    if outputs.seed:
        files += render_seed(model, loaded, templates=tpl)
    if outputs.types:
        files += parts.types if parts and parts.types is not None else render_types(model, loaded, templates=tpl)
    if outputs.docs:
        from .render.docs import render_docs  # imported when used: a generate without docs skips it

        files += render_docs(model, loaded, sql_files, templates=tpl, files=files)
    if outputs.layout == "supabase":  # a Supabase CLI project beside the plain files (render/supabase.py)
        from .render.supabase import render_supabase  # imported when used: it needs psycopg (pgTAP)

        files += render_supabase(model, loaded, sql_files, files, templates=tpl, spec_name=spec_name)
    files += render_python(model, loaded, plans, sqlalchemy=outputs.sqlalchemy, alembic=outputs.alembic,
                           templates=tpl, online={e.info.number for e in history if e.online})
    lap("render")
    if validate:
        todo = unvalidated(cache, sql_files)  # cache hook: files an earlier run parsed are not parsed again
        if parts:  # the worker validated the rollbacks: the same problems, in the same order
            problems = [p for f in todo for p in (parts.problems[f.name] if f.name in parts.problems
                                                  else validate_sql_files([f], where))]
        else:
            problems = validate_sql_files(todo, where)
        if problems:
            raise ValidationError(problems)
        validated(cache, todo)
        lap("validate")
    release_free_memory()  # before out/ is written, the peak of a run
    return Result(loaded, model, plans, sql_files, files, timings)


def _store_first_renders(cache: Cache, spec_name: str, history: list[Entry], plans: list[tuple[int, Plan]],
                         keep: dict[str, Any]) -> Callable[[str, str], None]:
    """Cache hook (generator/cache.py): the files the first ``generate`` rendered from the spec
    (``keep``: their entries by file name), stored under the keys a run reading the history it
    writes computes, so that the first ``migrate`` (or full-path ``check``) restores them instead of
    rendering every released migration again. The keys need each history text's digest, known
    once its bytes were written (the returned callback of :func:`remember_first_history`); the
    entries are stored when every digest is known (``Cache.save`` then writes them).

    A key names the history plans (``plan(state[N-1], state[N])``); these files were rendered from
    the spec's plans. Both are the same steps in the same order (the round trip of the states,
    :func:`generator.history.normalize`, is exact, and the plan reads only database state; checked
    on every golden case by tests/test_cache.py); an entry whose steps do not fit is rendered."""
    digests: dict[str, str] = {}
    names = {e.file_name: e.info.number for e in history}

    def hashed(name: str, digest: str) -> None:
        if name not in names:
            return
        digests[name] = digest
        if len(digests) == len(names):
            from .render.sql import migration_keys  # rendering ran before: imported already

            keys = migration_keys([e.info for e in history], plans,
                                  {names[n]: d for n, d in digests.items()})  # the first history is offline
            for file, value in keep.items():
                if file in keys:
                    cache.put(cache.key(spec_name, *keys[file]), value, later=True)  # put while out/ is written

    return hashed


def generate_current(spec_path: str | Path, out: str | Path | None, *, templates: str | None = None,
                     display: str | None = None) -> Result:
    """:func:`generate` with the history of ``out`` (read while ``out`` is locked, so never a
    half-written one); what ``check`` and ``verify`` compare and apply."""
    if out is None:
        return generate(spec_path, templates=templates, display=display)
    with locked_out(Path(out), create=False):
        return generate(spec_path, templates=templates, display=display, history=load_history(out))
