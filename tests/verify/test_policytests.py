"""Policy tests (``tests:`` in the spec) on a real Postgres: the platform's matrix, weakened and
locked-down copies of it, and located spec errors. Nothing is mocked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.ir.policycases import Case, compile_policy_tests
from generator.pipeline import Result, generate
from generator.verify.backends import Database
from generator.verify.run import run_verify

PLATFORM_SPEC = Path(__file__).resolve().parents[2] / "schema.yaml"
ACTORS = ("acme_owner", "acme_admin", "acme_member", "globex_owner", "globex_member", "initech_owner",
          "stranger", "anon", "service")


@pytest.fixture(scope="module")
def platform() -> Result:
    return generate(PLATFORM_SPEC)


@pytest.fixture(scope="module")
def platform_cases(platform: Result) -> list[Case]:
    return compile_policy_tests(platform.model, platform.loaded)


def policy_step(report):  # noqa: ANN001, ANN201
    return next(s for s in report.steps if s.name == "policy tests")


def failed_names(step) -> set[str]:  # noqa: ANN001
    """The case names of a step's problems (``<name> (<file>:<line>:<col>): expected …``)."""
    return {re.sub(r" \([^()]*:\d+:\d+\): expected .*", "", p) for p in step.problems}


def spec_copy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def platform_text() -> str:
    return PLATFORM_SPEC.read_text(encoding="utf-8")


def without_tests(text: str) -> str:
    """The platform spec minus its ``tests:`` section (the last top-level key)."""
    head, sep, _ = text.partition("\ntests:\n")
    assert sep
    return head + "\n"


# --- the platform's matrix -----------------------------------------------------------------------


def test_matrix_covers_every_relation_command_and_actor(platform_cases: list[Case]) -> None:
    names = [c.name for c in platform_cases]
    assert len(names) == len(set(names)) > 400
    targets = {(c.target.qualified, c.command) for c in platform_cases}
    for table in ("tenants", "users", "conversations", "messages", "feedback", "usage_metrics",
                  "current_day_usage"):
        for command in ("select", "insert", "update", "delete"):
            assert (f"public.{table}", command) in targets
    for matview in ("message_feedback_summary", "monthly_usage_summary"):
        assert (f"public.{matview}", "select") in targets
    for fn in ("get_monthly_usage_summary", "get_message_feedback_summary", "increment_usage_metrics"):
        assert (f"public.{fn}", "call") in targets
    for actor in ACTORS:
        assert f"conversations/select/{actor}" in names
    positives = [c for c in platform_cases if c.expect.kind in ("rows", "count") and (c.expect.rows or c.expect.count)]
    assert {c.actor.name for c in positives} >= {"acme_owner", "acme_admin", "acme_member", "globex_owner", "service"}


@pytest.mark.pg
def test_platform_matrix_passes(platform: Result, platform_cases: list[Case], fresh_db: Database) -> None:
    report = run_verify(platform, fresh_db.dsn)
    step = policy_step(report)
    assert report.ok, report.problems
    assert step.status == "passed"
    assert step.note == f"{len(platform_cases)} cases: {len(platform_cases)} passed"
    assert step.seconds < 10


@pytest.mark.pg
def test_weakened_select_policy_fails_the_matching_cases_by_name(tmp_path: Path, fresh_db: Database) -> None:
    text = platform_text()
    policy = re.compile(
        r"(- name: users read visible conversations\n\s+command: select\n\s+roles: \[authenticated\]\n\s+)"
        r"using: \|-\n\s+\(case \(select private\.policy_scope\(\)\)\n.*\n.*end\) is not null\n"
    )
    weakened, n = policy.subn(r'\1using: "true"\n', text)
    assert n == 1
    report = run_verify(generate(spec_copy(tmp_path, weakened)), fresh_db.dsn)
    step = policy_step(report)
    assert step.status == "failed"
    # messages carry their conversation's tenant and user (migration 007): their own policy still holds
    assert failed_names(step) == {
        *(f"conversations/select/{a}" for a in ACTORS if a not in ("anon", "service")),
        "a member cannot read the owner's conversation by id",
    }
    problem = next(p for p in step.problems if p.startswith("conversations/select/acme_member "))
    assert "expected rows [acme_member_archived, acme_member_sql], got 7 rows" in problem
    assert "unexpected acme_admin_onboarding" in problem
    assert re.search(r"\(.*schema\.yaml:\d+:\d+\)", problem)


@pytest.mark.pg
def test_a_schema_that_denies_everything_fails_every_positive_case(
    platform: Result, platform_cases: list[Case], fresh_db: Database
) -> None:
    files = {f.name: f.text for f in platform.files}
    files["seed_test_data.sql"] += (
        "\nrevoke all on all tables in schema public from anon, authenticated, service_role;"
        "\nrevoke all on all functions in schema public from public, anon, authenticated, service_role;\n"
    )
    report = run_verify(platform, fresh_db.dsn, files=files)
    step = policy_step(report)
    assert step.status == "failed"
    not_denied = {c.name for c in platform_cases if c.expect.kind != "denied"}
    assert failed_names(step) == not_denied
    assert "conversations/select/acme_member" in not_denied
    assert "tenants/insert/service" in not_denied


@pytest.mark.pg
def test_cases_leave_the_database_as_they_found_it(platform: Result, fresh_db: Database) -> None:
    import psycopg

    report = run_verify(platform, fresh_db.dsn)
    assert report.ok, report.problems
    with psycopg.connect(fresh_db.dsn) as conn:
        counts = conn.execute(
            "select (select count(*) from public.conversations), (select count(*) from public.messages),"
            " (select count(*) from public.feedback), (select count(*) from public.usage_metrics),"
            " (select count(*) from public.tenants)"
        ).fetchone()
    assert counts == (7, 14, 7, 11, 3)


# --- spec errors ----------------------------------------------------------------------------------

BAD_TESTS = """\
tests:
  actors:
    member: {user: acme_member}
    ghost: {user: nobody_at_all}
    anon: {role: anon}
    root: {role: superuser}
  cases:
    - name: unknown actor
      as: mallory
      select: conversations
      expect: []
    - name: unknown relation
      as: member
      select: conversation
      expect: []
    - name: unknown fixture key
      as: member
      select: conversations
      expect: [acme_member_sq]
    - name: unknown column
      as: member
      select: conversations
      where: {owner_id: acme_member}
      expect: []
    - name: view rows need a key
      as: member
      select: current_day_usage
      expect: [acme_member_day2]
    - name: unknown argument
      as: member
      call: get_monthly_usage_summary
      args: {p_since: 2024-01-01}
      expect: 0
  matrix:
    - delete: messages
      expect:
        member, anon: []
        nobody: denied
"""


def test_spec_errors_are_located(tmp_path: Path) -> None:
    text = without_tests(platform_text()) + BAD_TESTS
    with pytest.raises(SpecError) as info:
        generate(spec_copy(tmp_path, text))
    base = text.count("\n", 0, text.index("\ntests:\n")) + 2  # line of `tests:`
    found = {(p.pos.line - base, p.message) for p in info.value.problems if p.pos}
    assert found == {
        (3, "actor 'ghost': no fixture row 'nobody_at_all' in public.users"),
        (5, "actor 'root': unknown role 'superuser'"),
        (8, "unknown actor 'mallory'"),
        (13, "unknown relation 'conversation'"),
        (18, "no fixture row 'acme_member_sq' in public.conversations"),
        (22, "where: unknown column 'owner_id' of public.conversations"),
        (27, "rows of public.current_day_usage need `key: {<column>: <fixture table>}` to be named by fixture keys"),
        (31, "public.get_monthly_usage_summary has no argument 'p_since'"),
        (37, "unknown actor 'nobody'"),
        (35, "messages/delete: no expectation for actors ghost, root"),
    }, sorted(found)
    assert all(p.pos.file == str(tmp_path / "schema.yaml") for p in info.value.problems)


def test_duplicate_case_names_and_missing_coverage_are_errors(tmp_path: Path) -> None:
    text = without_tests(platform_text()) + """\
tests:
  complete: true
  actors:
    member: {user: acme_member}
  matrix:
    - select: tenants
      expect: {member: [acme]}
    - select: tenants
      where: {slug: acme}
      expect: {member: [acme]}
"""
    with pytest.raises(SpecError) as info:
        generate(spec_copy(tmp_path, text))
    messages = [p.message for p in info.value.problems]
    assert "two cases are named 'tenants/select/member'" in messages
    coverage = [m for m in messages if "has no policy test" in m]
    assert "tests: table public.tenants has no policy test for insert, update, delete (`tests.complete` is true)" \
        in coverage
    assert "tests: function public.increment_usage_metrics has no policy test for a call (`tests.complete` is true)" \
        in coverage
    assert not [m for m in coverage if "set_updated_at" in m]  # trigger functions cannot be called
    positions = [p.pos for p in info.value.problems if "has no policy test" in p.message]
    assert len(positions) == len(set(positions))  # one problem per object, each at its own declaration


def test_a_new_table_without_policy_tests_is_one_error_saying_what_to_add(tmp_path: Path) -> None:
    text = platform_text()
    start = text.index("  - number: 6")
    at = text.index("    tables:\n", start) + len("    tables:\n")
    text = text[:at] + """\
      - name: notes
        columns:
          - {name: id, type: uuid, primary_key: true, default: gen_random_uuid()}
          - {name: body, type: text}
        policies: [{name: read, command: select, roles: [authenticated], using: "true"}]
        grants: [{privileges: [select], to: [authenticated]}]
""" + text[at:]
    with pytest.raises(SpecError) as info:
        generate(spec_copy(tmp_path, text))
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.message == ("tests: table public.notes has no policy test for select, insert, update, delete "
                               "(`tests.complete` is true)")
    assert problem.pos.line == text.count("\n", 0, at) + 1  # at the table's `- name: notes`
    matrix_line = text.count("\n", 0, text.index("\n  matrix:\n", text.index("\ntests:\n"))) + 2
    assert f"under `tests: matrix:` ({tmp_path / 'schema.yaml'}:{matrix_line}:3)" in problem.hint
    for row in ("- select: notes", "- insert: notes", "values: {<column>: <value>}", "- update: notes",
                "set: {<column>: <value>}", "- delete: notes", "anon, service: denied"):
        assert row in problem.hint


@pytest.mark.pg
def test_single_cases_values_and_errors(tmp_path: Path, fresh_db: Database) -> None:
    """Raw SQL with ``%``, ``{row: …}`` arguments, error conditions and a wrong expectation."""
    text = without_tests(platform_text()) + """\
tests:
  actors:
    member: {user: acme_member}
    service: {role: service_role}
  cases:
    - name: like with a percent sign
      as: member
      select: conversations
      where: "title like 'SQL%'"
      expect: [acme_member_sql]
    - name: increment for a user of another tenant
      as: service
      call: increment_usage_metrics
      args: [{row: tenants/acme}, {row: users/globex_owner}, 1, 1]
      expect: {error: "23503"}
    - name: a wrong expectation
      as: member
      update: conversations
      set: {title: Mine}
      expect: {affected: 1}
"""
    report = run_verify(generate(spec_copy(tmp_path, text)), fresh_db.dsn)
    step = policy_step(report)
    assert step.note == "3 cases: 2 passed, 1 failed"
    assert len(step.problems) == 1
    assert step.problems[0].startswith("a wrong expectation (")
    assert step.problems[0].endswith("expected 1 row, got 2 rows")


@pytest.mark.pg
def test_actors_whose_profile_references_auth_users_fixtures(tmp_path: Path, fresh_db: Database) -> None:
    """``profiles.id → auth.users(id)``: auth.users rows are fixtures, and a profile's id names one."""
    text = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: profiles
        columns:
          - {name: id, type: uuid, primary_key: true, references: {table: auth.users, on_delete: cascade}}
          - {name: display_name, type: text}
        rls: {enable: true}
        policies:
          - {name: own profile, command: select, roles: [authenticated], using: "id = (select auth.uid())"}
        grants: [{privileges: [select], to: [authenticated]}]
fixtures:
  auth.users:
    alice: {email: alice@example.com}
    bob: {email: bob@example.com}
  profiles:
    alice: {id: alice, display_name: Alice}
    bob: {id: bob, display_name: Bob}
tests:
  users: {table: profiles, auth_id: id}
  actors:
    alice: {user: alice}
    bob: {user: bob}
  matrix:
    - select: profiles
      expect:
        alice: [alice]
        bob: [bob]
"""
    report = run_verify(generate(spec_copy(tmp_path, text)), fresh_db.dsn)
    step = policy_step(report)
    assert report.ok, report.problems
    assert step.note == "2 cases: 2 passed"
