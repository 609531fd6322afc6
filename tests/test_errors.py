"""Spec errors: exact positions (checked by hand against the YAML below), all at once, exit 2, out/ untouched."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.errors import SpecError
from generator.pipeline import generate

BASE = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: tenants
        columns:
          - {name: id, type: uuid, primary_key: true}
          - {name: name, type: text}
"""


def errors_of(tmp_path: Path, text: str) -> list[str]:
    spec = tmp_path / "schema.yaml"
    spec.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        generate(spec, display="schema.yaml")
    return [str(p) for p in info.value.problems]


def test_unknown_key_and_wrong_type_reported_together(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
          - {name: age, type: 5, nulable: true}
""")
    assert errors == [
        "schema.yaml:9:31: wrong type: input should be a valid string, got int 5",
        "schema.yaml:9:34: unknown key 'nulable'\n    hint: did you mean 'nullable'?",
    ]


def test_unknown_keys_suggest_the_closest_allowed_key_of_their_model(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, """\
        version: 1
        projet: {name: x}
        migrations:
          - number: 1
            name: init
            tabels: []
            tables:
              - name: t
                columns:
                  - {name: id, type: int, primary_key: true}
                indexes: [{columns: [id, {colum: id}]}]
                policies: [{name: p, comand: select, roles: [authenticated], using: "true"}]
                xyzzy: 1
        tests:
          actors: {a: {role: anon}}
          matrix:
            - selct: t
              expect: {a: 1}
        """)
    assert errors == [
        "schema.yaml:2:1: unknown key 'projet'\n    hint: did you mean 'project'?",
        "schema.yaml:6:5: unknown key 'tabels'\n    hint: did you mean 'tables'?",
        "schema.yaml:11:35: unknown key 'colum'\n    hint: did you mean 'column'?",
        "schema.yaml:12:30: unknown key 'comand'\n    hint: did you mean 'command'?",
        "schema.yaml:13:9: unknown key 'xyzzy'",  # nothing close: no hint
        "schema.yaml:17:7: unknown key 'selct'\n    hint: did you mean 'select'?",
    ]


def test_unknown_keys_suggest_keys_of_models_declared_further_down(tmp_path: Path) -> None:
    """Models named before they are defined (a foreign key's target, domains, sub-partitions, JSON
    shapes) are read lazily (``defer_build``): their keys still give a hint."""
    errors = errors_of(tmp_path, """\
        types:
          definitions:
            Meta: {type: object, properties: {a: {type: string, nulable: true}}}
        migrations:
          - number: 1
            name: init
            domains:
              - {name: positive, type: integer, not_nul: true}
            tables:
              - name: t
                columns:
                  - {name: id, type: int, primary_key: true}
                  - {name: at, type: date, primary_key: true}
                foreign_keys:
                  - {columns: [id], references: {tabel: t, columns: [id]}}
                partition_by: {strategy: range, columns: [at]}
                partitions:
                  - name: t_2025
                    values: {from: "2025-01-01", to: "2026-01-01"}
                    partition_by: {strategy: list, columns: [id]}
                    partitions: [{name: t_2025_1, valeus: {in: [1]}}]
        """)
    assert [e for e in errors if "unknown key" in e] == [
        "schema.yaml:3:57: unknown key 'nulable'\n    hint: did you mean 'nullable'?",
        "schema.yaml:8:41: unknown key 'not_nul'\n    hint: did you mean 'not_null'?",
        "schema.yaml:15:42: unknown key 'tabel'\n    hint: did you mean 'table'?",
        "schema.yaml:21:43: unknown key 'valeus'\n    hint: did you mean 'values'?",
    ]


def test_wrong_enum_value(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        policies:
          - {name: p, command: read, using: "true"}
""")
    assert len(errors) == 1
    assert errors[0].startswith("schema.yaml:10:32: expected 'all', 'select', 'insert', 'update' or 'delete'")


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE.replace("    name: init\n", "    name: init\n    name: again\n"))
    assert errors == ["schema.yaml:4:5: duplicate key 'name'"]


def test_broken_policy_expression(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        policies:
          - name: broken
            roles: [authenticated]
            using: id = = (select auth.uid())
""")
    assert errors == [
        "schema.yaml:12:20: policy 'broken' using: invalid SQL: syntax error at or near \"=\" at character 6"
    ]


def test_unknown_column_in_index_and_policy(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        indexes:
          - columns: [nmae]
        policies:
          - name: by tenant
            roles: [authenticated]
            using: tenant = (select auth.uid())
""")
    assert errors == [
        "schema.yaml:10:23: index uses unknown column 'nmae' of 'tenants'",
        "schema.yaml:14:20: policy 'by tenant' uses unknown column 'tenant' of 'tenants'",
    ]


def test_duplicate_index_name(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
        indexes:
          - {name: tenants_name_idx, columns: [name]}
          - {name: tenants_name_idx, columns: [name, id]}
""")
    assert errors == [
        "schema.yaml:11:13: duplicate index public.tenants_name_idx (first declared at schema.yaml:10:13)"
    ]


def test_unknown_table_function_and_role(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
          - {name: owner_id, type: uuid, references: {table: owners}}
        triggers:
          - {name: t, timing: before, events: [update], function: touch}
        grants:
          - {privileges: [select], to: [authenticatd]}
""")
    assert errors == [
        "schema.yaml:9:54: constraint public.tenants.tenants_owner_id_fkey references unknown table public.owners",
        "schema.yaml:11:67: trigger 't' uses unknown function public.touch",
        "schema.yaml:13:41: unknown role 'authenticatd'\n"
        "    hint: declare it under `roles:` (known: anon, authenticated, public, service_role)",
    ]


def test_object_used_before_the_migration_that_creates_it(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, BASE + """\
          - {name: user_id, type: uuid, references: {table: users}}
  - number: 2
    name: users
    tables:
      - name: users
        columns:
          - {name: id, type: uuid, primary_key: true}
""")
    assert errors == [
        "schema.yaml:9:53: constraint public.tenants.tenants_user_id_fkey in migration 001 uses table public.users, "
        "which is created later, by migration 002\n"
        "    hint: move one of them so that nothing is used before it exists"
    ]


def test_identifier_too_long(tmp_path: Path) -> None:
    long = "x" * 64
    errors = errors_of(tmp_path, BASE + f"""\
          - {{name: {long}, type: text}}
""")
    assert errors[0].startswith(f"schema.yaml:9:20: column name: identifier '{long}' is 64 bytes; Postgres truncates")


def test_cli_exit_2_and_out_untouched(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    out = tmp_path / "out"
    spec.write_text(BASE, encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    spec.write_text(BASE + "          - {name: bad, type: text, default: 'now((('}\n", encoding="utf-8")
    bad = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
    assert f"{spec}:9:46: column 'bad' default: invalid SQL" in bad.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_names_postgres_would_truncate_beyond_object_names(tmp_path: Path) -> None:
    """A role, enum value, argument or returned column of 64 bytes was accepted: Postgres truncates
    the role in a GRANT (granting to another role) and the argument names, and refuses the label."""
    errors = errors_of(tmp_path, (Path(__file__).parent / "hostile" /
                                  "identifier_too_long_role_value_argument.yaml").read_text(encoding="utf-8"))
    assert [e.split(": ")[0:2] for e in errors] == [
        ["schema.yaml:4:44", "role name"],
        ["schema.yaml:8:39", f"enum value '{'x' * 64}' is 64 bytes; Postgres allows 63"],
        ["schema.yaml:10:52", "argument name"], ["schema.yaml:11:38", "returned column name"],
        ["schema.yaml:13:34", "argument name"]]
