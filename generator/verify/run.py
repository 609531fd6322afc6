"""``schemagen verify``: apply, roll back and re-apply the generated files on a real, fresh database.

The run, step by step (each step is timed and reported on its own):

1. ``setup``: install the Supabase stand-in, take the *baseline* snapshot;
2. ``apply`` each migration in order, snapshotting after each;
3. ``rollback`` each migration newest first; the catalog must equal the snapshot taken before
   that migration, and every difference is named by file and object
   (``rollback_004_messages.sql leaves index public.messages_model_used_idx``);
4. ``reapply`` each migration; the catalog must equal the one after its first apply;
5. ``rollback_all.sql``; the catalog must equal the baseline;
6. ``reapply`` everything once more, then the :data:`EXTRA_STEPS` hooks (seed data, policy tests).

A SQL error stops the run (the database is then in an unknown state). A snapshot difference lets
the steps of the same phase go on, so every faulty rollback is named, and skips later phases.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg
from pglast import parser as pg_parser
from psycopg.pq import TransactionStatus

from generator.history import load_history
from generator.output import locked_out
from generator.pipeline import Result, generate
from generator.render.seed import MARK_TEST_DATABASE
from generator.render.sql import SqlFile, migration_file_names

from .backends import BackendError, Database, fresh_database, redact
from .cron import check_jobs, declared_jobs, install_cron
from .plpgsqlcheck import check_bodies
from .report import Status, StepResult, VerifyReport
from .snapshot import Difference, Snapshot, diff_snapshots, take_snapshot
from .standin import ensure_roles, install_supabase_standin

ROLLBACK_ALL = "rollback_all.sql"
SEED_FILE = "seed_test_data.sql"
POLICY_TESTS_MODULE = "generator.verify.policytests"

Progress = Callable[[StepResult], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What one step found. ``fatal`` means the database state is unknown and the run must stop."""

    problems: tuple[str, ...] = ()
    note: str = ""
    skipped: bool = False
    fatal: bool = False


@dataclass(slots=True, kw_only=True)
class VerifyContext:
    """The state of a run, handed to every step (and to :data:`EXTRA_STEPS` hooks).

    ``files`` maps a file name to the text that is executed (normally the generated text; tests
    pass tampered copies). ``snapshots[0]`` is the baseline, ``snapshots[i]`` the catalog after the
    i-th migration's first apply. ``last`` is the most recent snapshot taken by any step.
    """

    result: Result
    conn: psycopg.Connection
    files: Mapping[str, str]
    migrations: tuple[tuple[str, str], ...]
    snapshots: list[Snapshot] = field(default_factory=list)
    last: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """Take a snapshot of the database now and remember it as :attr:`last`."""
        self.last = take_snapshot(self.conn)
        return self.last

    def execute(self, name: str) -> str | None:
        """Run file ``name``; None on success, else one problem naming the file, line and error."""
        text = self.files.get(name)
        if text is None:
            return f"{name}: not among the generated files"
        return execute_sql(self.conn, name, text, _sql_file(self.result, name, text))


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """A named, timed unit of a run. ``kind`` groups steps into phases (apply, rollback, …)."""

    name: str
    kind: str
    run: Callable[[VerifyContext], Outcome]


# --- executing SQL --------------------------------------------------------------------------------


def execute_sql(
    conn: psycopg.Connection, name: str, text: str, sql_file: SqlFile | None = None
) -> str | None:
    """Execute a whole file (it holds its own BEGIN/COMMIT) on an autocommit connection.

    Statements are sent one by one, as psql does: a multi-statement query would run as one implicit
    transaction, where ``CREATE INDEX CONCURRENTLY`` (evolution migrations) is refused.
    Returns None, or a problem like ``001_x.sql:42: column "y" does not exist (in create view public.v)``.
    Any transaction the file left open or aborted is rolled back so the connection stays usable.
    """
    try:
        slices = pg_parser.split(text, with_parser=False, only_slices=True)
    except pg_parser.ParseError:
        slices = (slice(0, len(text)),)
    for part in slices:
        try:
            conn.execute(text[part])  # no parameters: the simple protocol
        except psycopg.Error as exc:
            _reset(conn)
            return _describe_error(name, text, exc, sql_file, offset=part.start)
    if conn.info.transaction_status != TransactionStatus.IDLE:
        _reset(conn)
        return f"{name}: leaves a transaction open (no COMMIT); rolled back"
    return None


def _reset(conn: psycopg.Connection) -> None:
    """Roll back whatever transaction a failed file left behind."""
    if conn.closed or conn.info.transaction_status == TransactionStatus.IDLE:
        return
    try:
        conn.execute("ROLLBACK")
    except psycopg.Error:
        pass


def _describe_error(name: str, text: str, exc: psycopg.Error, sql_file: SqlFile | None, offset: int = 0) -> str:
    """One line: file, line (when Postgres gave a position), message, the operation, detail and hint."""
    diag = exc.diag
    message = diag.message_primary or " ".join(str(exc).split())
    where = name
    if diag.statement_position:
        line = text.count("\n", 0, max(offset + int(diag.statement_position) - 1, 0)) + 1
        where = f"{name}:{line}"
        segment = _segment_at(sql_file, line)
        if segment is not None:
            message += f" (in {segment})"
    extras = [
        f"{label}: {' '.join(value.split())}"
        for label, value in (
            ("detail", diag.message_detail),
            ("hint", diag.message_hint),
            ("context", diag.context),
        )
        if value
    ]
    return f"{where}: {message}" + "".join(f"; {e}" for e in extras)


def _segment_at(sql_file: SqlFile | None, line: int) -> str | None:
    """The title of the operation occupying ``line`` of ``sql_file``, if any."""
    if sql_file is None:
        return None
    for seg in sql_file.segments:
        if seg.first_line <= line <= seg.last_line:
            return seg.title
    return None


def _sql_file(result: Result, name: str, text: str) -> SqlFile | None:
    """The rendered file behind ``name``, but only when ``text`` is still its exact text."""
    for f in result.sql_files:
        if f.name == name and f.text == text:
            return f
    return None


# --- comparing snapshots --------------------------------------------------------------------------


_RELATION_KINDS = ("materialized view", "foreign table", "table", "view")
_OWNER_KINDS = (
    *_RELATION_KINDS,
    "window function",
    "procedure",
    "aggregate",
    "function",
    "sequence",
    "schema",
    "type",
)
_PLURALS = {"index": "indexes", "policy": "policies"}  # catalog words of the snapshot's keys


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference by object; ``parts`` are its columns, constraints, grants … that differ alike."""

    diff: Difference
    parts: tuple[Difference, ...] = ()

    def text(self, verbs: Mapping[str, str] | None = None) -> str:
        """``leaves table public.t (and its 2 columns, 1 grant)``; ``verbs`` rephrases the kind."""
        d = self.diff
        head = f"{verbs[d.kind]} {d.key}" + (f" ({d.detail})" if d.detail else "") if verbs else str(d)
        if not self.parts:
            return head
        counts: dict[str, int] = {}
        for part in self.parts:
            word = part.key.split(" ", 1)[0]
            counts[word] = counts.get(word, 0) + 1
        listed = ", ".join(f"{n} {w if n == 1 else _PLURALS.get(w, w + 's')}" for w, n in counts.items())
        return f"{head} (and its {listed})"


def _owned_prefixes(key: str) -> tuple[str, str, tuple[str, ...]]:
    """(kind, name, key prefixes of the entries that belong to it) for an object key."""
    for kind in _OWNER_KINDS:
        if key.startswith(kind + " "):
            name = key[len(kind) + 1 :]
            prefixes = [f"grant {kind} {name} to "]
            if kind in _RELATION_KINDS:
                prefixes += [
                    f"{k} {name}." for k in ("column", "constraint", "policy", "trigger", "grant column")
                ]
            if kind == "type":  # catalog word: the snapshot's pg_type entries
                prefixes.append(f"constraint {name}.")
            return kind, name, tuple(prefixes)
    return "", key, ()


def by_object(diffs: list[Difference], expected: Snapshot, actual: Snapshot) -> list[Finding]:
    """Group differences so a left-over (or missing) table is one finding, not one per column and grant.

    An entry belongs to an object when its key is scoped by it (``column public.t.c``,
    ``grant table public.t to anon``; an index by its ``table`` attribute) and it differs the same
    way (both left over, or both removed).
    """
    owners: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for d in diffs:
        kind, name, prefixes = _owned_prefixes(d.key)
        if prefixes and d.kind != "changed":
            owners[d.key] = (d.kind, name if kind in _RELATION_KINDS else "", prefixes)
    parts: dict[str, list[Difference]] = {k: [] for k in owners}
    for d in diffs:
        if d.kind == "changed" or d.key in owners:
            continue
        table = (
            (actual if d.kind == "added" else expected).get(d.key, {}).get("table")
            if d.key.startswith("index ")
            else None
        )
        for owner_key, (how, relation, prefixes) in owners.items():
            if how == d.kind and (d.key.startswith(prefixes) or (relation and table == relation)):
                parts[owner_key].append(d)
                break
    _fold_owned_sequences(owners, parts, expected, actual)
    owned = {p.key for group in parts.values() for p in group}
    return [Finding(d, tuple(parts.get(d.key, ()))) for d in diffs if d.key not in owned]


def _fold_owned_sequences(
    owners: Mapping[str, tuple[str, str, tuple[str, ...]]],
    parts: dict[str, list[Difference]],
    expected: Snapshot,
    actual: Snapshot,
) -> None:
    """Move an identity or serial sequence (and its grants) into the finding of its table."""
    for key, (how, _relation, _prefixes) in owners.items():
        if not key.startswith("sequence "):
            continue
        column = (actual if how == "added" else expected).get(key, {}).get("owned_by", "")
        table = next(
            (
                t
                for t, (t_how, relation, _) in owners.items()
                if relation and t_how == how and column.startswith(relation + ".")
            ),
            None,
        )
        if table is not None:
            parts[table] += [Difference(kind=how, key=key), *parts.pop(key)]
            parts[key] = []


def rollback_problems(name: str, findings: list[Finding]) -> tuple[str, ...]:
    """``<file> leaves|removes|changes <object>`` for each finding after a rollback."""
    return tuple(f"{name} {f.text()}" for f in findings)


def reapply_problems(name: str, findings: list[Finding]) -> tuple[str, ...]:
    """Differences between a re-apply and the first apply, by object."""
    verbs = {"added": "extra", "removed": "missing", "changed": "changed"}
    return tuple(f"{name} re-applied: {f.text(verbs)}" for f in findings)


def compare(expected: Snapshot, actual: Snapshot, carried: Iterable[Difference] = ()) -> list[Finding]:
    """Findings of ``actual`` against ``expected``, leaving out differences in ``carried``.

    ``carried`` are the differences the database already had when the step began (an earlier
    step's fault, already reported), so they are not blamed on this step again.
    """
    seen = {str(d) for d in carried}
    diffs = [d for d in diff_snapshots(expected, actual) if str(d) not in seen]
    return by_object(diffs, expected, actual)


# --- the steps ------------------------------------------------------------------------------------


def _setup(ctx: VerifyContext) -> Outcome:
    """Install the Supabase stand-in (unless Supabase is there) and take the baseline snapshot."""
    installed = install_supabase_standin(ctx.conn)
    extra = ensure_roles(ctx.conn, list(ctx.result.loaded.spec.roles))
    cron = install_cron(ctx.conn) if declared_jobs(ctx) else ""
    ctx.snapshots[:] = [ctx.snapshot()]
    note = "Supabase stand-in installed" if installed else "Supabase already present"
    note += f"; roles created: {', '.join(extra)}" if extra else ""
    return Outcome(note=note + (f"; {cron}" if cron else ""))


def _apply(index: int, name: str) -> Callable[[VerifyContext], Outcome]:
    """Apply migration ``index`` (1-based) and record the snapshot after it."""

    def run(ctx: VerifyContext) -> Outcome:
        error = ctx.execute(name)
        if error:
            return Outcome(problems=(error,), fatal=True)
        ctx.snapshots.append(ctx.snapshot())
        return Outcome()

    return run


def _rollback(index: int, name: str) -> Callable[[VerifyContext], Outcome]:
    """Run rollback ``index``; the catalog must equal the one before that migration."""

    def run(ctx: VerifyContext) -> Outcome:
        before = ctx.last or ctx.snapshot()
        carried = diff_snapshots(ctx.snapshots[index], before)
        error = ctx.execute(name)
        if error:
            return Outcome(problems=(error,), fatal=True)
        findings = compare(ctx.snapshots[index - 1], ctx.snapshot(), carried)
        return Outcome(problems=rollback_problems(name, findings))

    return run


def _reapply(index: int, name: str) -> Callable[[VerifyContext], Outcome]:
    """Apply migration ``index`` again; the catalog must equal the one after its first apply."""

    def run(ctx: VerifyContext) -> Outcome:
        before = ctx.last or ctx.snapshot()
        carried = diff_snapshots(ctx.snapshots[index - 1], before)
        error = ctx.execute(name)
        if error:
            return Outcome(problems=(error,), fatal=True)
        findings = compare(ctx.snapshots[index], ctx.snapshot(), carried)
        return Outcome(problems=reapply_problems(name, findings))

    return run


def _rollback_all(ctx: VerifyContext) -> Outcome:
    """``rollback_all.sql`` from the full schema must return to the baseline."""
    error = ctx.execute(ROLLBACK_ALL)
    if error:
        return Outcome(problems=(error,), fatal=True)
    return Outcome(problems=rollback_problems(ROLLBACK_ALL, compare(ctx.snapshots[0], ctx.snapshot())))


def _reapply_all(ctx: VerifyContext) -> Outcome:
    """Apply every migration once more, leaving the full schema for seed data, tests and ``--keep``."""
    for up, _down in ctx.migrations:
        error = ctx.execute(up)
        if error:
            return Outcome(problems=(error,), fatal=True)
    return Outcome(problems=reapply_problems("migrations", compare(ctx.snapshots[-1], ctx.snapshot())))


def load_seed(ctx: VerifyContext) -> Outcome:
    """Load ``seed_test_data.sql`` when the spec generates one."""
    if SEED_FILE not in ctx.files:
        return Outcome(skipped=True, note="the spec has no seed data")
    ctx.conn.execute(MARK_TEST_DATABASE)  # the seed refuses to run on a database not marked for tests
    error = ctx.execute(SEED_FILE)
    return Outcome(problems=(error,), fatal=True) if error else Outcome()


def run_policy_tests(ctx: VerifyContext) -> Outcome:
    """Run the spec's declared tests through ``generator.verify.policytests``.

    Hook contract for that module (its own issue): ``run_policy_tests(ctx: VerifyContext) ->
    Sequence[str]`` returning one problem per failed test (empty when all pass); a ``note``
    attribute on it, if any, is shown beside the step (e.g. how many cases passed). It runs after the
    seed data is loaded, on the full schema, and must leave the catalog as it found it. Nothing
    runs, and the step shows as skipped, while the spec declares no ``tests``.
    """
    tests = getattr(ctx.result.loaded.spec, "tests", None)
    if not tests:
        return Outcome(skipped=True, note="the spec declares no tests")
    try:
        module = importlib.import_module(POLICY_TESTS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != POLICY_TESTS_MODULE:
            raise
        return Outcome(problems=(f"the spec declares tests but {POLICY_TESTS_MODULE} is missing",))
    found = module.run_policy_tests(ctx)
    return Outcome(problems=tuple(found), note=getattr(found, "note", ""))


EXTRA_STEPS: list[Step] = [
    Step(name=f"seed {SEED_FILE}", kind="seed", run=load_seed),
    Step(name="policy tests", kind="tests", run=run_policy_tests),
    Step(name="cron jobs", kind="jobs", run=check_jobs),
    Step(name="plpgsql_check", kind="plpgsql_check", run=check_bodies),
]
"""Steps run last, on the full schema, in order. Other features append a :class:`Step` here."""


def migration_files(result: Result) -> tuple[tuple[str, str], ...]:
    """(migration, rollback) file names of every planned migration, oldest first."""
    infos = {i.number: i for i in result.model.migrations}
    return tuple(migration_file_names(infos[number]) for number, _plan in result.plans)


def plan_steps(migrations: tuple[tuple[str, str], ...]) -> list[Step]:
    """Every step of a run, in order (see the module docstring)."""
    n = len(migrations)
    steps = [Step(name="setup: Supabase stand-in, baseline snapshot", kind="setup", run=_setup)]
    steps += [
        Step(name=f"apply {up}", kind="apply", run=_apply(i, up)) for i, (up, _) in enumerate(migrations, 1)
    ]
    steps += [
        Step(name=f"rollback {down}", kind="rollback", run=_rollback(i, down))
        for i, (_, down) in reversed(list(enumerate(migrations, 1)))
    ]
    steps += [
        Step(name=f"re-apply {up}", kind="reapply", run=_reapply(i, up))
        for i, (up, _) in enumerate(migrations, 1)
    ]
    steps.append(Step(name=ROLLBACK_ALL, kind="rollback_all", run=_rollback_all))
    steps.append(Step(name=f"re-apply all {n} migrations", kind="reapply_all", run=_reapply_all))
    return steps + list(EXTRA_STEPS)


# --- running --------------------------------------------------------------------------------------


def _run_steps(ctx: VerifyContext, steps: list[Step]) -> Iterator[StepResult]:
    """Run steps in order; after a failure finish that phase only, after a fatal one stop."""
    failed_kind: str | None = None
    stop = False
    for step in steps:
        if stop or (failed_kind is not None and step.kind != failed_kind):
            yield StepResult(
                name=step.name, kind=step.kind, status="skipped", note="not run: an earlier step failed"
            )
            continue
        start = time.perf_counter()
        try:
            outcome = step.run(ctx)
        except psycopg.Error as exc:
            _reset(ctx.conn)
            outcome = Outcome(problems=(f"{step.name}: {' '.join(str(exc).split())}",), fatal=True)
        seconds = time.perf_counter() - start
        status: Status = "failed" if outcome.problems else "skipped" if outcome.skipped else "passed"
        if outcome.problems:
            failed_kind = failed_kind or step.kind
            stop = stop or outcome.fatal
        yield StepResult(
            name=step.name,
            kind=step.kind,
            status=status,
            seconds=seconds,
            problems=outcome.problems,
            note=outcome.note,
        )


def run_verify(
    result: Result,
    database_dsn: str,
    *,
    files: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Verify ``result``'s files on the empty database at ``database_dsn`` (which is left as the run ends).

    ``files`` (name → text) replaces the generated texts, e.g. with a hand-edited rollback.
    ``progress`` is called with each step's result as soon as it is known.
    """
    files = dict(files) if files is not None else {f.name: f.text for f in result.files}
    try:
        conn = psycopg.connect(database_dsn, autocommit=True)
    except psycopg.Error as exc:
        raise BackendError([(f"database {redact(database_dsn)}", " ".join(str(exc).split()))]) from exc
    steps: list[StepResult] = []
    with conn:
        migrations = migration_files(result)
        ctx = VerifyContext(result=result, conn=conn, files=files, migrations=migrations)
        for step in _run_steps(ctx, plan_steps(migrations)):
            steps.append(step)
            if progress is not None:
                progress(step)
        version = conn.info.server_version
    return VerifyReport(steps=tuple(steps), server_version=version, database=redact(database_dsn))


def _server_note(db: Database) -> str:
    """``embedded, PostgreSQL 18.6``: which backend, which version, and as root the system account
    the server runs as (Postgres refuses to run as root; the account is created when missing)."""
    note = f"{db.backend}, PostgreSQL {db.server_version // 10000}.{db.server_version % 10000}"
    return f"{note}, as {db.run_as}" if db.run_as else note


def verify_spec(
    spec_path: str | Path,
    *,
    dsn: str | None = None,
    pg_bin: str | None = None,
    keep: bool = False,
    templates: str | None = None,
    progress: Progress | None = None,
    out: str | Path | None = None,
) -> VerifyReport:
    """Generate from ``spec_path``, start a backend, verify on a fresh database, clean up (unless ``keep``).

    ``out``: the folder whose migration history (every released migration) is verified.

    Raises SpecError/ValidationError for a bad spec and BackendError when no Postgres can be had.
    """

    def emit(step: StepResult) -> StepResult:
        if progress is not None:
            progress(step)
        return step

    start = time.perf_counter()
    with locked_out(Path(out), create=False) if out is not None else nullcontext():
        result = generate(spec_path, templates=templates, history=load_history(out))  # never a half-written out/
    generated = emit(
        StepResult(
            name=f"generate from {spec_path}",
            kind="generate",
            status="passed",
            seconds=time.perf_counter() - start,
            note=f"{len(result.files)} files",
        )
    )
    with ExitStack() as stack:
        start = time.perf_counter()
        db = stack.enter_context(fresh_database(dsn, keep=keep, pg_bin=pg_bin))
        started = emit(
            StepResult(
                name="start Postgres, create database",
                kind="server",
                status="passed",
                seconds=time.perf_counter() - start,
                note=_server_note(db),
            )
        )
        report = run_verify(result, db.dsn, progress=progress)
        start = time.perf_counter()
        stack.close()
    cleanup = emit(
        StepResult(
            name="keep database" if keep else "drop database, stop Postgres",
            kind="cleanup",
            status="passed",
            seconds=time.perf_counter() - start,
        )
    )
    return replace(
        report,
        steps=(generated, started, *report.steps, cleanup),
        backend=db.backend,
        database=db.description,
        kept=db.how_to_connect() if keep else None,
    )
