"""Located spec errors for exclusion constraints and the trigger options Postgres refuses."""

from __future__ import annotations

from pathlib import Path

from tests.test_errors import BASE, errors_of

FN = """\
    functions:
      - {name: f, returns: trigger, language: plpgsql, body: "begin return null; end;"}
"""


def test_exclusion_operator_is_operator_characters_only(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        exclude:
          - elements: [{column: id, with: "=; drop"}]
""")
    assert errors == ["schema.yaml:10:43: String should match pattern '^[-+*/<>=~!@#%^&|`?]{1,63}$'"]


def test_exclusion_constraint_errors(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        exclude:
          - elements: [{column: nope, with: "="}, {column: id, expression: "lower(name)", with: "&&"}]
            where: "missing > 1"
            include: [gone]
          - elements: [{expression: "(", with: "&&"}]
""")
    assert errors == [
        "schema.yaml:10:33: exclusion constraint uses unknown column 'nope' of 'tenants'",
        "schema.yaml:10:51: an exclusion element needs exactly one of `column` or `expression`",
        "schema.yaml:11:20: exclusion predicate uses unknown column 'missing' of 'tenants'",
        "schema.yaml:12:23: exclusion constraint includes unknown column 'gone' of 'tenants'",
        'schema.yaml:13:37: exclusion element: invalid SQL: syntax error at or near ")" at character 3',
    ]


def test_trigger_option_errors(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        triggers:
          - {name: a, constraint: true, timing: before, events: [insert], function: f}
          - {name: b, deferrable: true, timing: after, events: [insert], function: f}
          - {name: c, timing: after, events: [insert, update], referencing: {old_table: o}, function: f}
          - {name: d, constraint: true, timing: after, events: [update], referencing: {new_table: n}, function: f}
""" + FN)
    text = "\n".join(errors)
    assert "schema.yaml:10:35: a constraint trigger is `timing: after` and `for_each: row`" in text
    assert "schema.yaml:11:35: only a constraint trigger (`constraint: true`) can be deferrable" in text
    assert "transition tables need exactly one event" in text
    assert "a constraint trigger cannot have transition tables" in text
    assert len(errors) == 4, errors
