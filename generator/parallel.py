"""A cold ``generate`` on two cores: a forked worker renders the rollbacks, validates them, renders
the TypeScript types and encodes the first history file while this process lints, renders the
migrations and validates them.

After the spec is built, the two halves are independent (the worker plans for itself, as this
process does, from the same model: a fork shares it without copying or pickling), so the wall
time of a 1,000-table ``generate`` can drop by what the worker's half costs, less the fork's own
costs (below). What the worker sends back
is plain data through a pipe (file texts, each segment as its step index and offsets: the segments
are rebuilt here against this process's ops), and the history file's bytes through an anonymous
memory file (``memfd``) that is streamed into ``out/`` when written: byte for byte what one process
renders, which the tests check on every golden case with the worker forced on.

All or nothing, no stray processes: the worker is always reaped (``waitpid``), also when this
process fails first (a refusing lint kills it); a worker that raises is not trusted: its part is
done again here, so the error (a located spec problem, say) is the one a single process reports;
a worker that dies without an answer (killed, out of memory) is a :class:`WorkerError`, and
nothing is written. A worker whose parent was killed ends when it writes its answer (the pipe is
broken).

Only where it pays: more than one core in the process's affinity mask (``os.sched_getaffinity``:
what a container or ``taskset`` allows) and one of them idle (:func:`worker_wanted`), or
``$SCHEMAGEN_JOBS`` of 2 or more (1: never); a first history (no history in ``out/``: the warm path
restores cached files instead); at least :data:`MIN_OBJECTS` objects. The fork is not free: both
processes pay copy-on-write faults on every page they touch afterwards (~0.3 s of CPU in all at
1,000 tables), so the worker saves wall time only when a core would otherwise idle.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import Problem, SchemagenError
from .output import GeneratedFile, StreamedFile

if TYPE_CHECKING:
    from .cache import Cache
    from .ir.model import Model
    from .plan import Plan
    from .render.sql import SqlFile
    from .spec import LoadedSpec
    from .validate import Where

JOBS_ENV = "SCHEMAGEN_JOBS"
#: Fewer objects than this: one process (the fork would cost more than the worker saves).
MIN_OBJECTS = 2_000
_READ = 1 << 20


class WorkerError(SchemagenError):
    """A worker process ended without an answer, or ``$SCHEMAGEN_JOBS`` is not a number."""

    exit_code = 1


def _idle_core(cores: int) -> bool:
    """Whether a core is likely free: the 1-minute load average is below ``cores - 0.5``.

    On a busy machine the worker only adds work: forking a process of ~180 MB and the
    copy-on-write faults of both processes cost ~0.3 s of CPU at 1,000 tables, and with no free
    core the two halves do not overlap (measured at load 4 on 2 cores: 1.3x the wall time)."""
    try:
        return os.getloadavg()[0] < cores - 0.5
    except OSError:  # pragma: no cover - no load average (some containers): assume it is free
        return True


def _other_threads() -> bool:
    """Whether this process runs other threads (a caller's): forking then could copy a lock one
    of them holds, and the worker would wait for it forever."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def worker_wanted() -> bool:
    """Whether a cold ``generate`` forks its worker (the size aside): ``$SCHEMAGEN_JOBS`` of 2 or
    more says yes, 1 says no; unset, when the process may use two cores and one is idle. Never
    while other threads run."""
    if os.environ.get(JOBS_ENV, "").strip():
        return jobs() >= 2 and not _other_threads()
    cores = jobs()
    return cores >= 2 and _idle_core(cores) and not _other_threads()


def jobs() -> int:
    """Processes a command may use: ``$SCHEMAGEN_JOBS`` when set (1: no worker processes), else the
    cores of the process's affinity mask."""
    raw = os.environ.get(JOBS_ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise WorkerError(f"${JOBS_ENV}={raw!r} is not a number of processes (1 or more)")
        return int(raw)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Forked:
    """``work()`` running in a forked child process; :meth:`result` waits for its answer,
    :meth:`cancel` kills it. Either reaps the child, so none is left behind."""

    def __init__(self, work: Callable[[], Any]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: answer through the pipe, then end without running any exit handler
            code = 0
            try:
                os.close(read)
                try:
                    answer = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # noqa: BLE001 - every failure is answered, not raised
                    answer = pickle.dumps((False, "".join(traceback.format_exception(exc))))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(answer)
            except BaseException:  # noqa: BLE001 - the pipe is gone: the parent sees no answer
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid: int | None = pid
        self._read: int | None = read

    def result(self) -> tuple[bool, Any]:
        """(True, what ``work()`` returned) or (False, the traceback of what it raised).

        Raises WorkerError when the worker ended without an answer."""
        read, self._read = self._read, None
        assert read is not None and self.pid is not None
        with os.fdopen(read, "rb") as pipe:  # closed even when interrupted: cancel() then only kills
            data = pipe.read()  # to the end: the worker may be blocked writing to the pipe
        _, status = os.waitpid(self.pid, 0)
        pid, self.pid = self.pid, None
        if not data or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                   else f"exit code {os.WEXITSTATUS(status)}")
            raise WorkerError(f"a worker process of schemagen (pid {pid}) ended without an answer ({how}); "
                              f"nothing was written\n    hint: run again; ${JOBS_ENV}=1 runs in one process")
        ok, value = pickle.loads(data)
        return ok, value

    def cancel(self) -> None:
        """Kill the worker (if it still runs) and reap it."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - already ended (it is still reaped below)
            pass
        os.waitpid(pid, 0)


@dataclass(frozen=True, slots=True)
class Parts:
    """What the worker made, in this process's terms."""

    downs: list[SqlFile]  # the rollbacks and rollback_all.sql, segments on this process's ops
    problems: dict[str, list[Problem]]  # validation problems of each file it validated, by name
    types: list[GeneratedFile] | None  # database.types.ts (None: not asked)
    history: list[GeneratedFile] | None  # the history files, streamed from the memory file
    #: each of ``downs`` as a render cache entry (generator/cache.py: ``file_entry``), by file name
    entries: dict[str, dict[str, Any]]


class RollbackWorker:
    """The worker of a cold ``generate`` (see the module docstring)."""

    def __init__(self, forked: Forked, memory: int | None) -> None:
        self._forked = forked
        self._memory = memory

    @classmethod
    def start(cls, model: Model, loaded: LoadedSpec, *, spec_name: str, templates: str | None, cache: Cache,
              validate: bool, where: Where) -> RollbackWorker | None:
        """Fork the worker when it pays (see the module docstring); None when it does not."""
        if not worker_wanted() or len(model.objects) < MIN_OBJECTS:  # first: a bad value is refused on any spec
            return None
        try:
            memory: int | None = os.memfd_create("schemagen-history", os.MFD_CLOEXEC)
        except (AttributeError, OSError):  # not Linux: this process encodes the history itself
            memory = None

        def work() -> dict[str, Any]:
            return _work(model, loaded, spec_name=spec_name, templates=templates, cache=cache,
                         validate=validate, where=where, memory=memory)

        # what both processes render and validate with (Jinja, pglast's validation), imported once,
        # before the fork (the pipeline imports it only once it renders, after this)
        from . import validate as _validate  # noqa: F401
        from .render import sql as _sql  # noqa: F401
        from .render import typescript as _typescript  # noqa: F401

        try:
            return cls(Forked(work), memory)
        except BaseException:
            if memory is not None:
                os.close(memory)
            raise

    def finish(self, model: Model, plans: list[tuple[int, Plan]]) -> Parts | None:
        """The worker's parts (``model`` and ``plans``: this process's, as it renders them); None
        when the worker raised (the caller then makes them itself)."""
        from .cache import entry_from_forms
        from .render.sql import ROLLBACK_ALL, Scheduled, _schedule, from_forms, migration_file_names, rollback_plans

        ok, answer = self._forked.result()
        if not ok:
            return None
        infos = {i.number: i for i in model.migrations}
        inverses = {n: p.inverse() for n, p in plans}  # one per migration, as render_migrations makes them
        inverse: dict[str, tuple[Plan, ...]] = {migration_file_names(infos[n])[1]: (inverses[n],) for n, _ in plans}
        inverse[ROLLBACK_ALL] = tuple(rollback_plans(plans, inverses))
        shared: dict[str, str] = {}
        scheduled: Scheduled = {}
        downs = [from_forms(name, text, forms, inverse[name], shared, scheduled)
                 for name, text, forms in answer["downs"]]
        # what the render cache stores of each (generator/cache.py): the same rows
        entries = {name: entry_from_forms(name, text, forms, sum(len(_schedule(p, scheduled)) for p in inverse[name]))
                   for name, text, forms in answer["downs"]}
        types = [GeneratedFile(n, t) for n, t in answer["types"]] if answer["types"] is not None else None
        history: list[GeneratedFile] | None = None
        if self._memory is not None and answer["history"] is not None:
            memory, at = _Memory(self._memory), 0  # the readers own it now (closed with the last of them)
            self._memory = None
            history = []
            for name, size in answer["history"]:
                history.append(StreamedFile(name, _reader(memory, at, size), size))
                at += size
        return Parts(downs, answer["problems"], types, history, entries)

    def cancel(self) -> None:
        """Kill the worker when it still runs (this process failed first); always safe to call."""
        self._forked.cancel()
        if self._memory is not None:
            os.close(self._memory)
            self._memory = None


class _Memory:
    """The worker's memory file, closed when the last history file reading it is gone."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        os.close(self.fd)


def _reader(memory: _Memory, at: int, size: int) -> Callable[[], Iterator[bytes]]:
    """The bytes ``at`` … ``at + size`` of the memory file, a megabyte at a time."""
    def chunks() -> Iterator[bytes]:
        for start in range(at, at + size, _READ):
            yield os.pread(memory.fd, min(_READ, at + size - start), start)

    return chunks


def _work(model: Model, loaded: LoadedSpec, *, spec_name: str, templates: str | None, cache: Cache,
          validate: bool, where: Where, memory: int | None) -> dict[str, Any]:
    """The worker's half (in the child process)."""
    from .cache import unvalidated
    from .history import entry_chunks, history_for
    from .render.sql import render_migrations, segment_forms
    from .render.typescript import render_types
    from .validate import validate_sql_file

    entries, plans, model = history_for(model, [], spec_name)
    steps_of: dict[str, list[int]] = {}
    downs = render_migrations(model, plans, spec_name=spec_name, templates=templates, only="down",
                              steps_of=steps_of)
    problems = {f.name: validate_sql_file(f, where) for f in unvalidated(cache, downs)} if validate else {}
    types = None
    if loaded.spec.outputs.types:
        types = [(f.name, f.text) for f in render_types(model, loaded, templates=templates)]
    history = None
    if memory is not None:
        history = []
        for e in entries:
            size = 0
            for chunk in entry_chunks(e):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(memory, view):]
                size += len(chunk)
            history.append((e.file_name, size))
    return {"downs": [(f.name, f.text, segment_forms(f, steps_of[f.name])) for f in downs],
            "problems": problems, "types": types, "history": history}
