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


def test_constraint_trigger_from_errors(tmp_path: Path) -> None:
    """`from` is for constraint triggers only, and names a table of the spec or an external one."""
    errors = errors_of(tmp_path, BASE + """\
        triggers:
          - {name: a, timing: after, events: [insert], function: f, from: tenants}
          - {name: b, constraint: true, timing: after, events: [insert], function: f, from: nowhere}
          - {name: c, constraint: true, timing: after, events: [insert], function: f, from: tenant_names}
          - {name: d, constraint: true, timing: after, events: [insert], function: f, from: auth.users}
          - {name: e, constraint: true, timing: after, events: [insert], function: f, from: public.tenants}
    views:
      - {name: tenant_names, query: select t.name from public.tenants t}
""" + FN)
    assert errors == [
        "schema.yaml:10:75: only a constraint trigger (`constraint: true`) has `from` (FROM referenced_table)",
        "schema.yaml:11:93: trigger 'b': `from` names unknown table public.nowhere"
        "\n    hint: declare the table, or list it under `external:`",
        "schema.yaml:12:93: trigger 'c': `from` names view public.tenant_names, not a table",
    ]


def test_partition_errors(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        partition_by: {strategy: list, columns: [name, gone]}
        partitions:
          - {name: a, values: {from: 1, to: 2}}
          - {name: b}
          - {name: c, default: true, values: {in: [x]}}
          - {name: c, values: {in: [y]}}
      - name: logs
        columns:
          - {name: at, type: timestamptz}
        partitions:
          - {name: logs_a, default: true}
      - name: months
        columns:
          - {name: at, type: timestamptz}
        partition_by: {strategy: hash, columns: [at]}
        partitions:
          monthly: {from: '2026-03', to: '2026-01'}
""")
    assert errors == [
        "schema.yaml:9:23: table 'tenants': constraint 'tenants_pkey' must include the partition column(s) name, "
        "gone (Postgres refuses a unique key on a partitioned table without them)",
        "schema.yaml:9:49: table 'tenants': a list partition key has one column (Postgres refuses more)",
        "schema.yaml:9:56: partition_by uses unknown column 'gone' of table 'tenants'",
        "schema.yaml:11:11: duplicate partition name 'c' of table 'tenants'",
        "schema.yaml:11:31: partition 'a': a list partition takes `in`",
        "schema.yaml:12:13: partition 'b' needs `values` or `default: true`",
        "schema.yaml:13:13: a default partition takes no `values` (and a hash table has none)",
        "schema.yaml:19:11: table 'logs' has partitions but no `partition_by`",
        "schema.yaml:25:11: `monthly` partitions need `partition_by: {strategy: range}` on one column",
        "schema.yaml:25:20: `monthly`: `to` must come after `from`",
    ]


def test_a_partition_name_is_a_relation_name(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
      - name: logs
        columns:
          - {name: at, type: text}
        partition_by: {strategy: list, columns: [at]}
        partitions:
          - {name: tenants, values: {in: [a]}}
      - name: logs_b
        columns:
          - {name: at, type: text}
        partition_by: {strategy: list, columns: [at]}
        partitions:
          - {name: logs_c, values: {in: [a]}}
      - name: logs_c
        columns:
          - {name: at, type: text}
""")
    assert errors == [
        "schema.yaml:14:11: partition public.tenants has the same name as table public.tenants",
        "schema.yaml:21:9: table public.logs_c has the same name as a partition of table public.logs_b (first "
        "declared at "
        "schema.yaml:15:9)",
    ]


def test_range_bound_errors(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
      - name: scores
        columns:
          - {name: season, type: integer, nullable: false}
          - {name: team, type: text, nullable: false}
        partition_by: {strategy: range, columns: [season, team]}
        partitions:
          - {name: s_a, values: {from: [MINVALUE, 1], to: [2020, MINVALUE]}}
          - {name: s_b, values: {from: 2020, to: [2030, MAXVALUE]}}
          - {name: s_c, values: {from: [2030, "'); drop table x; --"], to: [MAXVALUE, MAXVALUE]}}
""")
    assert errors == [
        "schema.yaml:15:33: partition 's_a': `from`: every value after MINVALUE must be MINVALUE too (Postgres "
        "refuses it otherwise)",
        "schema.yaml:16:33: partition 's_b': `from` has 1 value(s); the partition key has 2 column(s)",
    ]


def test_partition_key_expression_errors(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
      - name: visits
        columns:
          - {name: at, type: timestamptz, nullable: false}
          - {name: id, type: bigint, nullable: false}
        primary_key: [id]
        partition_by:
          strategy: range
          columns:
            - {expression: "(at at time zone 'UTC')::date"}
            - {expression: "gone + 1"}
            - {expression: "1); drop table visits; --"}
""")
    assert [e.split(" (Postgres")[0] for e in errors] == [
        "schema.yaml:17:15: table 'visits': constraint 'visits_pkey' cannot go with a partition key expression",
        "schema.yaml:18:15: table 'visits': constraint 'visits_pkey' cannot go with a partition key expression",
        "schema.yaml:18:28: partition key expression uses unknown column 'gone' of 'visits'",
        "schema.yaml:19:15: table 'visits': constraint 'visits_pkey' cannot go with a partition key expression",
        "schema.yaml:19:28: partition key expression: invalid SQL: syntax error at or near \")\" at character 27",
    ]


def test_primary_key_comment_needs_a_primary_key(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE.replace("primary_key: true", "unique: true") + """\
        primary_key_comment: Nothing to comment on.
""")
    assert errors == ["schema.yaml:9:30: table 'tenants' has no primary key to comment on"]
