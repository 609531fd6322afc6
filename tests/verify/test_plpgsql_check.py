"""plpgsql_check in verify: a body naming a column that does not exist parses (pglast) but fails
verify, located at the function in the spec; warnings are reported and waivable."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
import pytest

from generator.ir import build
from generator.lint import run_lint
from generator.pipeline import generate
from generator.spec import load_spec
from generator.verify.backends import Server
from generator.verify.run import run_verify

SPEC = """\
version: 1
migrations:
  - number: 1
    name: init
    tables:
      - name: notes
        columns:
          - {name: id, type: int, primary_key: true}
          - {name: body, type: text}
        triggers:
          - {name: notes_touch, timing: before, events: [update], function: touch}
        grants: [{privileges: [select], to: [service_role]}]
    functions:
      - name: note_length
        arguments: [{name: p_id, type: int}]
        returns: integer
        language: plpgsql
        body: |
          declare
            unused integer;
          begin
            return (select length(n.body) from public.notes n where n.id = p_id);
          end;
      - name: touch
        returns: trigger
        language: plpgsql
        body: |
          begin
            new.body := trim(new.body);
            return new;
          end;
"""


def _has_plpgsql_check(server: Server) -> bool:
    with psycopg.connect(server.admin_dsn) as conn:
        row = conn.execute("select exists (select from pg_available_extensions where name = 'plpgsql_check')")
        return bool(row.fetchone()[0])


def _verify(pg_server: Server, tmp_path: Path, text: str) -> tuple[list[str], str]:
    path = tmp_path / "schema.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = generate(path, display="schema.yaml")  # pglast accepts every body: errors show on the database
    with pg_server.new_database() as db:
        report = run_verify(result, db.dsn)
    step = next(s for s in report.steps if s.name == "plpgsql_check")
    return list(step.problems), step.note


@pytest.mark.pg
def test_plpgsql_check_errors_fail_verify_at_the_function(pg_server: Server, tmp_path: Path) -> None:
    if not _has_plpgsql_check(pg_server):
        pytest.skip("plpgsql_check is not available on this server (Debian: postgresql-15-plpgsql-check)")
    problems, note = _verify(pg_server, tmp_path, SPEC)
    assert problems == [] and "2 PL/pgSQL functions checked" in note
    assert "unused variable \"unused\"" in note and "plpgsql-check-warning" in note  # a warning, not a failure

    bad = SPEC.replace("length(n.body)", "length(n.content)").replace("trim(new.body)", "trim(new.text)")
    problems, _ = _verify(pg_server, tmp_path, bad)
    assert len(problems) == 2
    length = next(p for p in problems if "function public.note_length(int)" in p)
    touch = next(p for p in problems if "function public.touch()" in p)
    assert length.startswith("schema.yaml:") and "column n.content does not exist" in length
    assert 'record "new" has no field "text"' in touch  # checked against the relation of its trigger
    line = int(length.split(":")[1])
    assert SPEC.splitlines()[line - 1].strip() == "- name: note_length"

    waived = SPEC + textwrap.dedent("""\
        lint:
          waive:
            - {rule: plpgsql-check-warning, object: function public.note_length, reason: kept for the example}
        """)
    problems, note = _verify(pg_server, tmp_path, waived)
    assert problems == [] and "warnings" not in note


def test_a_plpgsql_check_waiver_is_a_known_rule_and_not_unused(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(SPEC + "lint:\n  waive:\n    - {rule: plpgsql-check-warning, object: function public.touch, "
                    "reason: checked by verify only}\n", encoding="utf-8")
    loaded = load_spec(path)
    assert [f.rule for f in run_lint(build(loaded), loaded) if f.rule == "waiver-unused"] == []


@pytest.mark.pg
def test_without_plpgsql_check_verify_says_so(pg_server: Server, tmp_path: Path) -> None:
    if _has_plpgsql_check(pg_server):
        pytest.skip("this server has plpgsql_check")
    problems, note = _verify(pg_server, tmp_path, SPEC)
    assert problems == [] and "plpgsql_check is not available on this server" in note


PROCEDURE_SPEC = """\
version: 1
migrations:
  - number: 1
    name: init
    tables:
      - name: items
        columns:
          - {name: id, type: int, primary_key: true}
          - {name: done, type: boolean, nullable: false, default: "false"}
        grants: [{privileges: [select], to: [service_role]}]
    functions:
      - name: count_new
        returns: trigger
        language: plpgsql
        body: |
          begin
            perform count(*) from added;
            return null;
          end;
    procedures:
      - name: finish
        language: plpgsql
        arguments: [{name: n, type: bigint, mode: out}]
        body: |
          begin
            update public.items set done = true where not done;
            n := (select count(*) from public.items i where i.done);
          end;
"""


@pytest.mark.pg
def test_plpgsql_check_covers_procedures_and_transition_tables(pg_server: Server, tmp_path: Path) -> None:
    """A procedure's body and a trigger function reading its trigger's transition table are checked."""
    if not _has_plpgsql_check(pg_server):
        pytest.skip("plpgsql_check is not available on this server (Debian: postgresql-15-plpgsql-check)")
    spec = PROCEDURE_SPEC.replace("""        grants: [{privileges: [select], to: [service_role]}]
""", """        grants: [{privileges: [select], to: [service_role]}]
        triggers:
          - {name: items_count, timing: after, events: [insert], for_each: statement,
             referencing: {new_table: added}, function: count_new}
""")
    problems, note = _verify(pg_server, tmp_path, spec)
    assert problems == [] and "2 PL/pgSQL functions checked" in note, (problems, note)
    problems, _ = _verify(pg_server, tmp_path, spec.replace("i.done);", "i.finished);"))
    assert len(problems) == 1 and "procedure public.finish()" in problems[0] and "finished" in problems[0]
