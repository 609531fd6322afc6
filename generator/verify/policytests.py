"""Run the spec's policy tests on the verification database, the way Supabase's API runs queries.

Each case runs in its own transaction, always rolled back::

    BEGIN;
    SELECT set_config('request.jwt.claims', '{"sub": "…", "role": "authenticated"}', true);
    SET LOCAL ROLE authenticated;
    <the statement, values as parameters, names as identifiers>;
    ROLLBACK;

"denied" is SQLSTATE 42501: a missing privilege (table, column, function) or a row that fails a
WITH CHECK. Row level security that merely hides rows is not an error: UPDATE and DELETE then
affect 0 rows and SELECT returns fewer rows, which the expectations say with rows and counts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from ..errors import SpecError
from ..ir.policycases import DML, Case, compile_policy_tests
from ..render.policysql import DENIED, build_statement, qualified
from ..spec.policytests import PolicyTests

if TYPE_CHECKING:
    from .run import VerifyContext

STATEMENT_TIMEOUT = "5s"


@dataclass(frozen=True, slots=True, kw_only=True)
class Got:
    """What a case's statement did: its result keys or row count, or the error it raised."""

    count: int = 0
    keys: frozenset[str] = frozenset()
    unknown: tuple[str, ...] = ()  # result rows that are no fixture row (by their key values)
    sqlstate: str = ""
    message: str = ""

    def text(self) -> str:
        if self.sqlstate:
            return f"error {self.sqlstate} {self.message}"
        shown = sorted(self.keys) + list(self.unknown)
        rows = f" [{', '.join(shown)}]" if shown else ""
        return f"{self.count} row{'s' if self.count != 1 else ''}{rows}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    """One case's verdict; ``problem`` names it, says where it is declared, expected and got."""

    case: Case
    got: Got
    passed: bool
    seconds: float

    @property
    def problem(self) -> str:
        exp = self.case.expect
        detail = ""
        if exp.kind == "rows" and not self.got.sqlstate:
            extra = sorted(self.got.keys - exp.rows) + list(self.got.unknown)
            missing = sorted(exp.rows - self.got.keys)
            detail = "".join([f"; unexpected {', '.join(extra)}" if extra else "",
                              f"; missing {', '.join(missing)}" if missing else ""])
        return (f"{self.case.name} ({self.case.pos}): expected {exp.text()}, got {self.got.text()}{detail}")


class PolicyTestProblems(list[str]):
    """The failed cases' problems (what verify's hook expects), plus every result and a summary note."""

    def __init__(self, results: Sequence[CaseResult], seconds: float, *, problems: Sequence[str] = ()) -> None:
        super().__init__([*problems, *(r.problem for r in results if not r.passed)])
        self.results = tuple(results)
        self.seconds = seconds

    @property
    def note(self) -> str:
        if not self.results:
            return "no case was run"
        passed = sum(r.passed for r in self.results)
        failed = len(self.results) - passed
        return f"{len(self.results)} cases: {passed} passed" + (f", {failed} failed" if failed else "")


# --- running --------------------------------------------------------------------------------------


def _table_rows(conn: psycopg.Connection, case: Case) -> dict[tuple[str, ...], str]:
    """Primary key → ctid of every row of the case's table, as the session user (no RLS)."""
    assert case.row_keys is not None
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in case.row_keys.columns)
    query = sql.SQL("SELECT {}, ctid::text FROM {}").format(cols, qualified(case.target.schema, case.target.name))
    return {tuple(str(v) for v in row[:-1]): row[-1] for row in conn.execute(query).fetchall()}


def _keys(case: Case, found: Iterable[tuple[str, ...]]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Fixture keys of ``found`` key tuples, and the ones that are no fixture row."""
    assert case.row_keys is not None
    keys: set[str] = set()
    unknown: list[str] = []
    for k in found:
        name = case.row_keys.keys.get(k)
        if name is None:
            unknown.append("/".join(k))
        else:
            keys.add(name)
    return frozenset(keys), tuple(sorted(set(unknown)))


def _execute(conn: psycopg.Connection, case: Case) -> Got:
    """Run the case's statement as its actor inside the open transaction."""
    for text in case.setup:
        conn.execute(text.encode())  # spec-authored SQL, no parameters
    before = _table_rows(conn, case) if case.command in DML and case.row_keys else None
    conn.execute("SELECT set_config('request.jwt.claims', %s, true)", (json.dumps(dict(case.actor.claims)),))
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(case.actor.role)))
    stmt, params = build_statement(case)
    try:
        cur = conn.execute(stmt, params)
    except psycopg.Error as exc:
        diag = exc.diag
        return Got(sqlstate=diag.sqlstate or "?", message=" ".join((diag.message_primary or str(exc)).split()))
    if case.command not in DML:
        rows = cur.fetchall()
        if case.row_keys is None:
            return Got(count=len(rows))
        names = [d.name for d in cur.description or ()]
        idx = [names.index(c) for c in case.row_keys.columns]
        keys, unknown = _keys(case, (tuple(str(r[i]) for i in idx) for r in rows))
        return Got(count=len(rows), keys=keys, unknown=unknown)
    count = max(cur.rowcount, 0)
    if before is None:
        return Got(count=count)
    conn.execute("RESET ROLE")
    after = _table_rows(conn, case)
    changed = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
    keys, unknown = _keys(case, changed)
    return Got(count=count, keys=keys, unknown=unknown)


def _passed(case: Case, got: Got) -> bool:
    exp = case.expect
    if exp.kind == "denied":
        return got.sqlstate == DENIED
    if exp.kind == "error":
        return bool(got.sqlstate) and exp.error in (got.sqlstate, _condition(got.sqlstate))
    if got.sqlstate:
        return False
    if exp.kind == "count":
        return got.count == exp.count
    return got.keys == exp.rows and not got.unknown


def _condition(sqlstate: str) -> str:
    """The condition name of a SQLSTATE (``unique_violation``), or ''."""
    try:
        cls = psycopg.errors.lookup(sqlstate)
    except KeyError:
        return ""
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in cls.__name__).lstrip("_")


def run_case(conn: psycopg.Connection, case: Case) -> CaseResult:
    """Run one case in a transaction that is always rolled back (``conn`` is in autocommit mode)."""
    start = time.perf_counter()
    conn.execute("BEGIN")
    try:
        conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(STATEMENT_TIMEOUT)))
        got = _execute(conn, case)
    finally:
        conn.execute("ROLLBACK")
    return CaseResult(case=case, got=got, passed=_passed(case, got), seconds=time.perf_counter() - start)


def run_cases(conn: psycopg.Connection, cases: Sequence[Case]) -> PolicyTestProblems:
    """Run every case; the database is left exactly as it was."""
    start = time.perf_counter()
    results = [run_case(conn, c) for c in cases]
    return PolicyTestProblems(results, time.perf_counter() - start)


def run_policy_tests(ctx: VerifyContext) -> PolicyTestProblems:
    """verify's hook: compile the spec's tests and run them on the seeded full schema.

    ``build`` has compiled them (and reported spec errors); for a hand-made Result without them,
    compile errors are this step's problems rather than an exception.
    """
    sections = ctx.result.model.sections
    if sections is not None and sections.policy_cases is not None:
        return run_cases(ctx.conn, sections.policy_cases)  # compiled and checked by build
    tests = ctx.result.loaded.spec.tests
    if not isinstance(tests, PolicyTests):
        return PolicyTestProblems([], 0.0, problems=[f"tests: expected a PolicyTests, got {type(tests).__name__}"])
    try:
        cases = compile_policy_tests(ctx.result.model, ctx.result.loaded)
    except SpecError as exc:
        return PolicyTestProblems([], 0.0, problems=[str(p).replace("\n    ", "; ") for p in exc.problems])
    return run_cases(ctx.conn, cases)
