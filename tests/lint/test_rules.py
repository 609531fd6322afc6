"""One small spec per lint rule: each must give exactly the findings its markers announce.

A marker is a YAML comment ``# @<rule>[:<severity>] <anchor>`` (several may share a comment) on
the line where a finding is expected; its column is where ``<anchor>`` first occurs on that line
(1-based). Nothing else may
fire, so every spec is also a test that the other rules stay quiet on safe shapes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import Pos, SpecError
from generator.ir import build
from generator.lint import RULES, run_lint
from generator.lint.engine import VERIFY_RULES
from generator.spec import load_spec

SPECS = Path(__file__).parent / "specs"
MARKER = re.compile(r"@(?P<rule>[a-z-]+)(?::(?P<severity>error|warning))?\s+(?P<anchor>\S+)")


def expected_findings(path: Path) -> list[tuple[str, str, Pos]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        code, sep, comment = line.partition("  # ")
        for m in MARKER.finditer(comment) if sep else ():
            col = code.index(m["anchor"]) + 1
            severity = m["severity"] or RULES[m["rule"]].severity
            out.append((m["rule"], severity, Pos("schema.yaml", n, col)))
    return sorted(out, key=lambda t: (t[2], t[0]))


def lint(path: Path):  # noqa: ANN201
    loaded = load_spec(path, display="schema.yaml")
    return run_lint(build(loaded), loaded)


@pytest.mark.parametrize("rule", sorted(set(RULES) - VERIFY_RULES))  # verify's: tests/verify/
def test_every_rule_has_a_spec(rule: str) -> None:
    spec = SPECS / f"{rule}.yaml"
    assert spec.is_file(), f"add {spec.relative_to(Path.cwd()) if spec.is_relative_to(Path.cwd()) else spec}"
    assert any(r == rule for r, _, _ in expected_findings(spec)), f"{spec.name} has no marker for {rule}"


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_rule_fires_at_marked_positions(spec: Path) -> None:
    found = sorted(((f.rule, f.severity, f.pos) for f in lint(spec) if not f.waived), key=lambda t: (t[2], t[0]))
    assert found == expected_findings(spec)


def test_waived_finding_keeps_its_reason() -> None:
    findings = lint(SPECS / "waiver-unused.yaml")
    waived = [f for f in findings if f.waived]
    assert [(f.rule, str(f.object)) for f in waived] == [("rls-disabled", "table public.notes")]
    assert waived[0].waived.startswith("Public reference data")
    assert "(waived: Public reference data" in str(waived[0])


def test_finding_prints_position_severity_rule_and_object() -> None:
    f = next(f for f in lint(SPECS / "rls-disabled.yaml") if f.severity == "error")
    assert str(f).startswith("schema.yaml:7:14: error[rls-disabled] table public.notes: row level security is")


BAD_WAIVERS = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: notes
        columns:
          - {name: id, type: uuid, primary_key: true}
lint:
  waive:
    - rule: no-such-rule
      object: table public.notes
      reason: Because we say so, really.
    - rule: rls-disabled
      object: table public.nothing
      reason: Because we say so, really.
    - rule: rls-disabled
      object: table public.notes
    - {rule: rls-disabled, object: table public.notes, reason: short}
"""


def test_bad_waivers_are_located_spec_errors(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(BAD_WAIVERS, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        lint(path)
    lines = BAD_WAIVERS.splitlines()
    short = next(i for i, line in enumerate(lines) if "reason: short" in line)
    got = [(p.pos.line, p.pos.col, p.message.split(":")[0]) for p in exc.value.problems]
    assert got == [(16, 7, "missing required key 'reason'"),
                   (short + 1, lines[short].index("short") + 1, "String should have at least 10 characters")]
    # the pydantic errors come first; once the shape is valid, names are checked against the model
    path.write_text(BAD_WAIVERS.rsplit("    - rule: rls-disabled\n      object: table public.notes\n", 1)[0],
                    encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        lint(path)
    got = [(p.pos.line, p.pos.col, p.message) for p in exc.value.problems]
    assert got == [(10, 13, "waiver of unknown lint rule 'no-such-rule'"),
                   (14, 15, "waiver of unknown object 'table public.nothing'")]


def test_function_waiver_may_omit_argument_types(tmp_path: Path) -> None:
    spec = (SPECS / "definer-executable-by-api.yaml").read_text(encoding="utf-8")
    spec += ("lint:\n  waive:\n    - rule: definer-executable-by-api\n      object: function public.granted\n"
             "      reason: Returns a constant; nothing to protect.\n"
             "    - rule: definer-executable-by-api\n      object: procedure public.granted_proc\n"
             "      reason: Does nothing; nothing to protect.\n")
    path = tmp_path / "schema.yaml"
    path.write_text(spec, encoding="utf-8")
    assert [f.rule for f in lint(path) if not f.waived] == []


def test_platform_schema_is_lint_clean() -> None:
    root = Path(__file__).parents[2]
    findings = lint(root / "schema.yaml")
    assert [str(f) for f in findings if not f.waived] == []


def test_advisor_rules_say_what_and_are_waivable(tmp_path: Path) -> None:
    """The rules of Supabase's advisor for the newer kinds name the object's part, and a raw object,
    a partitioned table and a procedure are waived like any other object."""
    messages = {(f.rule, str(f.object)): f.message for f in lint(SPECS / "no-primary-key.yaml")}
    assert "none of its partitions has one (readings_p0, readings_p1)" in \
        messages[("no-primary-key", "table public.readings")]
    messages = {(f.rule, str(f.object)): f.message for f in lint(SPECS / "raw-sql-unchecked.yaml")}
    assert messages[("raw-sql-unchecked", "raw lookup table")].startswith(
        "up creates a table (RLS, primary key); grants or revokes privileges:")
    assert ("raw-sql-unchecked", "raw revoke only") not in messages and ("raw-sql-unchecked", "raw fillfactor") \
        not in messages
    messages = {(f.rule, str(f.object)): f.message for f in lint(SPECS / "unsupported-reg-types.yaml")}
    assert messages[("unsupported-reg-types", "table public.jobs")].startswith(
        "column handlers is of type regprocedure")
    spec = (SPECS / "raw-sql-unchecked.yaml").read_text(encoding="utf-8") + (
        "lint:\n  waive:\n"
        "    - {rule: raw-sql-unchecked, object: raw lookup table, reason: Reviewed by hand; read-only codes.}\n"
        "    - {rule: raw-sql-unchecked, object: raw rls off, reason: Reviewed by hand; test fixture only.}\n"
        "    - {rule: raw-sql-unchecked, object: raw domain, reason: Reviewed by hand; immutable helper.}\n")
    path = tmp_path / "schema.yaml"
    path.write_text(spec, encoding="utf-8")
    assert [f.rule for f in lint(path) if not f.waived] == []
    assert len([f for f in lint(path) if f.waived]) == 3
