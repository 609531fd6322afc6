"""A cold generate with its forked worker (generator/parallel.py) makes exactly what one process
makes, fails as one process fails, and leaves no process behind (issue 14, goals 1 and 4)."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from generator import parallel
from generator.errors import SpecError
from generator.lint import LintError
from generator.pipeline import generate
from generator.render.result import Result

CASES = Path(__file__).parent / "cases"
SPEC = Path(__file__).resolve().parents[1] / "schema.yaml"


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker on for every spec (two jobs, no size threshold); the pids it forked."""
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    monkeypatch.setattr(parallel, "MIN_OBJECTS", 0)
    monkeypatch.setattr(parallel, "_other_threads", lambda: False)  # a thread an earlier test left running
    pids: list[int] = []
    init = parallel.Forked.__init__

    def record(self: parallel.Forked, work: Any) -> None:
        init(self, work)
        assert self.pid is not None
        pids.append(self.pid)

    monkeypatch.setattr(parallel.Forked, "__init__", record)
    return pids


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def shape(result: Result) -> tuple[Any, ...]:
    """Everything generate hands on: every file's text, each SQL file's segments (their ops too)."""
    return ([(f.name, f.text) for f in result.files],
            [(f.name, f.text, f.segments) for f in result.sql_files])


def serial(spec: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    with monkeypatch.context() as m:
        m.setenv(parallel.JOBS_ENV, "1")
        return generate(spec, display="schema.yaml")


CASE_SPECS = sorted(p / "schema.yaml" for p in CASES.iterdir() if (p / "schema.yaml").is_file())


@pytest.mark.parametrize("spec", [SPEC, *CASE_SPECS], ids=lambda p: p.parent.name)
def test_the_worker_makes_what_one_process_makes(spec: Path, forked: list[int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    one = serial(spec, monkeypatch)
    assert not forked
    two = generate(spec, display="schema.yaml")
    assert len(forked) == 1 and reaped(forked[0])
    assert shape(two) == shape(one)


def test_a_worker_that_raises_is_done_again_here(forked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("worker bug")

    monkeypatch.setattr(parallel, "_work", fail)
    assert shape(generate(SPEC, display="schema.yaml")) == shape(serial(SPEC, monkeypatch))
    assert len(forked) == 1 and reaped(forked[0])


def test_the_error_of_the_worker_s_part_is_the_one_process_error(forked: list[int], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A problem found while making the types (the worker's part) is reported as one process does."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    import generator.render.typescript as ts

    def bad_types(*_a: Any, **_k: Any) -> None:
        from generator.errors import Pos, Problem
        raise SpecError([Problem(Pos("schema.yaml", 3, 1), "a type problem")])

    monkeypatch.setattr(ts, "render_types", bad_types)  # the worker's and this process's (imported when used)
    with pytest.raises(SpecError) as got:
        generate(spec, display="schema.yaml")
    assert [str(p) for p in got.value.problems] == ["schema.yaml:3:1: a type problem"]
    assert len(forked) == 1 and reaped(forked[0])


@pytest.mark.parametrize("how", ["exit", "signal"])
def test_a_worker_that_dies_is_a_clear_error(how: str, forked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    def die(*_a: Any, **_k: Any) -> None:
        if how == "exit":
            os._exit(3)
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(parallel, "_work", die)
    with pytest.raises(parallel.WorkerError, match="ended without an answer") as got:
        generate(SPEC, display="schema.yaml")
    assert ("signal 9" if how == "signal" else "exit code 3") in str(got.value)
    assert len(forked) == 1 and reaped(forked[0])


def test_a_refusing_lint_kills_the_worker(forked: list[int]) -> None:
    with pytest.raises(LintError):
        generate(Path(__file__).parent / "lint" / "specs" / "rls-disabled.yaml", display="schema.yaml")
    assert len(forked) == 1 and reaped(forked[0])


def test_one_job_or_one_core_forks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_OBJECTS", 0)

    def no_fork() -> int:
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    generate(SPEC, display="schema.yaml")
    monkeypatch.delenv(parallel.JOBS_ENV)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    generate(SPEC, display="schema.yaml")


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_jobs_value_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.JOBS_ENV, value)
    with pytest.raises(parallel.WorkerError, match=parallel.JOBS_ENV):
        generate(SPEC, display="schema.yaml")


@pytest.mark.parametrize(("load", "forks"), [(0.3, True), (1.2, True), (1.6, False), (4.0, False)])
def test_unset_jobs_fork_only_with_an_idle_core(load: float, forks: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without $SCHEMAGEN_JOBS, two cores and a load average below 1.5 fork the worker."""
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert parallel.worker_wanted() is forks
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    assert parallel.worker_wanted()


def test_a_worker_is_reaped_when_waiting_for_it_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while this process reads the worker's answer: the pipe is closed, the worker killed
    and reaped by cancel() (what the pipeline's ``finally`` calls), without a second error."""
    import time

    forked = parallel.Forked(lambda: time.sleep(30))
    pid = forked.pid
    assert pid is not None

    class Interrupted:
        def __init__(self, fd: int, _mode: str) -> None:
            self.fd = fd

        def __enter__(self) -> Interrupted:
            return self

        def __exit__(self, *_exc: object) -> None:
            os.close(self.fd)

        def read(self) -> bytes:
            raise KeyboardInterrupt

    monkeypatch.setattr(parallel.os, "fdopen", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        forked.result()
    forked.cancel()
    forked.cancel()  # twice is harmless
    assert reaped(pid)


def test_a_cancelled_worker_is_killed_and_reaped() -> None:
    import time

    forked = parallel.Forked(lambda: time.sleep(30))
    pid = forked.pid
    assert pid is not None
    started = time.monotonic()
    forked.cancel()
    assert reaped(pid) and time.monotonic() - started < 5


def test_no_worker_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    assert parallel.worker_wanted() is (threading.active_count() == 1)  # another test may leave one
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.worker_wanted()
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_first_history_is_recorded_canonical_as_it_is_written(jobs: str, forked: list[int], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The first history is streamed into out/ (by this process, or from the worker's memory
    file) and hashed as it is written: the cache then knows it as canonical, so the next run reads
    it lazily, exactly as when the text is made whole (a bad hash would leave it undecided)."""
    import shutil

    from typer.testing import CliRunner

    from generator.cache import Cache
    from generator.cli import app
    from generator.history import CANONICAL, load_history
    from tests.test_history_lazy import decoded

    monkeypatch.setenv(parallel.JOBS_ENV, jobs)
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(SPEC, spec)
    assert CliRunner().invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    assert bool(forked) is (jobs == "2")
    entries = load_history(out, Cache.for_out(out))
    assert entries and all(e.state._index.get(CANONICAL) for e in entries), "the first history was not recorded"
    assert not any(decoded(e.state) for e in entries)


def test_the_worker_s_rollbacks_are_cached_for_the_history_run(forked: list[int], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The first generate with its worker: the rollbacks and ``rollback_all.sql`` the worker
    rendered are cached too (from the rows it sent back), so the run from the history it wrote
    (the first ``migrate``, a full-path ``check``) renders nothing and makes what it makes without
    the cache."""
    import shutil

    from typer.testing import CliRunner

    from generator.cache import DISABLE_ENV
    from generator.cli import app
    from tests.test_cache import _history_run
    from tests.test_cache import shape as full_shape

    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(SPEC, spec)
    done = CliRunner().invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert len(forked) == 1
    warm, cache, rendered = _history_run(spec, out, monkeypatch)
    assert rendered == [] and cache.misses == 0
    with monkeypatch.context() as m:
        m.setenv(DISABLE_ENV, "1")
        cold, _, rendered = _history_run(spec, out, monkeypatch)
    assert len(rendered) == len(cold.sql_files)
    assert full_shape(warm) == full_shape(cold)
