"""Domains and composite types (generator/kinds/domain.py, composite_type.py): located spec errors,
dependencies, in-place plans (checks without a gap, attributes appended), replaces and the history."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.history import object_from_dict, object_to_dict
from generator.ir import build
from generator.ir.ids import ObjectId
from generator.kinds import Kind
from generator.kinds.composite_type import CompositeTypeIR
from generator.kinds.domain import DomainIR, pending_name
from generator.migrate import migrate
from generator.output import write_out
from generator.pipeline import generate
from generator.plan import plan
from generator.spec import load_spec

SPEC = """\
version: 1
migrations:
  - number: 1
    name: init
    domains:
      - name: positive
        type: integer
        checks: [{name: positive_check, expression: VALUE > 0}]
    composite_types:
      - name: pair
        attributes: [{name: a, type: positive}, {name: b, type: text}]
    tables:
      - name: t
        columns:
          - {name: id, type: int, primary_key: true}
          - {name: n, type: public.positive}
          - {name: p, type: pair}
"""


def _write(tmp_path: Path, text: str, name: str = "schema.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _model(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    return build(load_spec(_write(tmp_path, text), display="schema.yaml"))


def test_columns_and_attributes_depend_on_their_domains_and_types(tmp_path: Path) -> None:
    model = _model(tmp_path, SPEC)
    domain, pair = ObjectId(Kind.DOMAIN, "public", "positive"), ObjectId(Kind.COMPOSITE_TYPE, "public", "pair")
    assert domain in model.deps[ObjectId(Kind.TABLE, "public", "t")]
    assert pair in model.deps[ObjectId(Kind.TABLE, "public", "t")]
    assert domain in model.deps[pair]
    assert model.order.index(domain) < model.order.index(pair) < model.order.index(ObjectId(Kind.TABLE, "public", "t"))


@pytest.mark.parametrize(("change", "message"), [
    ("checks: [{name: positive_check, expression: VALUE > 0}, {name: positive_check, expression: VALUE < 9}]",
     "domain 'positive' has two checks named 'positive_check'"),
    ("checks: [{name: positive_check, expression: VALUE >}]", "domain 'positive' check 'positive_check'"),
])
def test_bad_domains_are_located_errors(tmp_path: Path, change: str, message: str) -> None:
    text = SPEC.replace("checks: [{name: positive_check, expression: VALUE > 0}]", change)
    with pytest.raises(SpecError) as err:
        _model(tmp_path, text)
    assert message in str(err.value) and "schema.yaml:" in str(err.value)


def test_a_type_named_twice_and_an_unknown_attribute_type_are_errors(tmp_path: Path) -> None:
    text = SPEC.replace("attributes: [{name: a, type: positive}, {name: b, type: text}]",
                        "attributes: [{name: a, type: public.nope}, {name: a, type: text}]")
    text = text.replace("  - name: pair", "  - name: positive")
    with pytest.raises(SpecError) as err:
        _model(tmp_path, text)
    assert "has the same name as domain public.positive" in str(err.value)
    text = SPEC.replace("{name: a, type: positive}", "{name: a, type: public.nope}")
    with pytest.raises(SpecError) as err:
        _model(tmp_path, text)
    assert "uses unknown type public.nope" in str(err.value)


def test_a_new_base_type_is_refused_with_a_located_error(tmp_path: Path) -> None:
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    _write(tmp_path, SPEC)
    write_out(out, generate(spec, display="schema.yaml").files)
    _write(tmp_path, SPEC.replace("type: integer", "type: bigint"))
    with pytest.raises(SpecError) as err:
        migrate(spec, out, "widen", display="schema.yaml")
    assert "domain public.positive: its base type cannot change (integer → bigint)" in str(err.value)
    assert str(err.value).startswith("schema.yaml:6:9: ") and "declare a new domain" in str(err.value)
    assert not (out / "002_widen.sql").exists()


def test_domain_collation_is_created_through_the_quoting_path(tmp_path: Path) -> None:
    text = SPEC.replace("type: integer\n        checks: [{name: positive_check, expression: VALUE > 0}]",
                        'type: text\n        collation: de-x "icu"')
    text = text.replace("composite_types:\n      - name: pair\n        attributes: [{name: a, type: positive}",
                        "composite_types:\n      - name: pair\n        attributes: [{name: a, type: text}")
    sql = next(f.text for f in generate(_write(tmp_path, text), display="schema.yaml").files
               if f.name == "001_init.sql")
    assert 'CREATE DOMAIN public.positive AS text COLLATE "de-x ""icu""";' in sql
    text = text.replace('collation: de-x "icu"', "collation: ext.german")
    sql = next(f.text for f in generate(_write(tmp_path, text), display="schema.yaml").files
               if f.name == "001_init.sql")
    assert "CREATE DOMAIN public.positive AS text COLLATE ext.german;" in sql


@pytest.mark.parametrize(("before", "after", "said"), [
    ("", "\n        collation: C", "the base type's → C"),
    ("\n        collation: C", "\n        collation: POSIX", "C → POSIX"),
    ("\n        collation: C", "", "C → the base type's"),
])
def test_a_new_collation_is_refused_with_a_located_error(tmp_path: Path, before: str, after: str, said: str) -> None:
    """ALTER DOMAIN has no COLLATE: like a new base type, a new collation is refused, located."""
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    base = SPEC.replace("type: integer\n        checks: [{name: positive_check, expression: VALUE > 0}]",
                        "type: text@COLLATION@").replace("{name: a, type: positive}", "{name: a, type: text}")
    _write(tmp_path, base.replace("@COLLATION@", before))
    write_out(out, generate(spec, display="schema.yaml").files)
    _write(tmp_path, base.replace("@COLLATION@", after))
    with pytest.raises(SpecError) as err:
        migrate(spec, out, "recollate", display="schema.yaml")
    assert f"domain public.positive: its collation cannot change ({said}): ALTER DOMAIN has no COLLATE" \
        in str(err.value)
    assert str(err.value).startswith("schema.yaml:6:9: ") and "declare a new domain" in str(err.value)
    assert not (out / "002_recollate.sql").exists()


def test_a_changed_check_is_added_beside_the_old_one_then_takes_its_name(tmp_path: Path) -> None:
    old = _model(tmp_path, SPEC)
    new = build(load_spec(_write(tmp_path, SPEC.replace(
        "checks: [{name: positive_check, expression: VALUE > 0}]",
        "checks: [{name: positive_check, expression: VALUE >= 1}, {name: small, expression: VALUE < 10}]"),
        "new.yaml"), display="schema.yaml"))
    p = plan(old, new)
    assert [str(op) for op in p.ops] == ["alter domain public.positive"]
    from generator.render.env import environment
    from generator.render.sql import render_op

    sql = render_op(environment(None), p.ops[0]).splitlines()
    assert sql == [
        "ALTER DOMAIN public.positive ADD CONSTRAINT positive_check__schemagen_new CHECK (VALUE >= 1) NOT VALID;",
        "ALTER DOMAIN public.positive VALIDATE CONSTRAINT positive_check__schemagen_new;",
        "ALTER DOMAIN public.positive DROP CONSTRAINT positive_check;",
        "ALTER DOMAIN public.positive RENAME CONSTRAINT positive_check__schemagen_new TO positive_check;",
        "ALTER DOMAIN public.positive ADD CONSTRAINT small CHECK (VALUE < 10) NOT VALID;",
        "ALTER DOMAIN public.positive VALIDATE CONSTRAINT small;",
    ]
    back = render_op(environment(None), p.inverse().ops[0]).splitlines()
    assert back[0].startswith("ALTER DOMAIN public.positive ADD CONSTRAINT positive_check__schemagen_new "
                              "CHECK (VALUE > 0) NOT VALID")
    assert back[-1] == "ALTER DOMAIN public.positive DROP CONSTRAINT small;"
    assert len(pending_name("x" * 63).encode()) == 63


def test_attributes_change_in_place_only_when_the_kept_ones_come_first(tmp_path: Path) -> None:
    old = _model(tmp_path, SPEC.replace("    tables:", "    nothing: []\n    tables:").split("    nothing")[0])

    def planned(attributes: str) -> list[str]:
        text = SPEC.replace("attributes: [{name: a, type: positive}, {name: b, type: text}]", attributes)
        new = build(load_spec(_write(tmp_path, text.split("    tables:")[0], "new.yaml"), display="schema.yaml"))
        return [str(op) for op in plan(old, new).ops]

    assert planned("attributes: [{name: a, type: positive}, {name: c, type: int}]") == \
        ["alter composite type public.pair"]
    assert planned("attributes: [{name: b, type: text}, {name: a, type: positive}]") == \
        ["drop composite type public.pair", "create composite type public.pair"]


def test_domains_and_composite_types_round_trip_through_the_history(tmp_path: Path) -> None:
    model = _model(tmp_path, SPEC)
    for oid in (ObjectId(Kind.DOMAIN, "public", "positive"), ObjectId(Kind.COMPOSITE_TYPE, "public", "pair")):
        obj = model.objects[oid]
        assert isinstance(obj, DomainIR | CompositeTypeIR)
        again, deps = object_from_dict(object_to_dict(obj, model.deps[oid]))
        assert again == dataclasses.replace(obj, migration=0) and deps == model.deps[oid]


def test_the_golden_case_keeps_database_types_composite_types(tmp_path: Path) -> None:
    case = Path(__file__).parent / "cases" / "domains_composite_types"
    shutil.copy(case / "schema.yaml", tmp_path / "schema.yaml")
    files = {f.name: f.text for f in generate(tmp_path / "schema.yaml", display="schema.yaml").files}
    types = files["database.types.ts"]
    assert "      money_amount: {\n        amount: unknown\n        currency: string | null\n      }" in types
    assert "age: number\n" in types  # a NOT NULL domain over integer


def test_an_enum_rebuild_under_a_domain_is_refused_with_a_located_error(tmp_path: Path) -> None:
    text = SPEC.replace("    domains:", "    enums: [{name: mood, values: [a, b, c]}]\n    domains:").replace(
        "{name: b, type: text}", "{name: b, type: mood}")
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    _write(tmp_path, text)
    write_out(out, generate(spec, display="schema.yaml").files)
    _write(tmp_path, text.replace("values: [a, b, c]", "values: [a, c, b]"))
    with pytest.raises(SpecError) as err:
        migrate(spec, out, "reorder", display="schema.yaml", allow_destructive=True)
    assert str(err.value).startswith("schema.yaml:5:13: type public.mood: dropping or reordering its values "
                                     "re-creates it, and composite type public.pair is of it")
    _write(tmp_path, text.replace("values: [a, b, c]", "values: [a, b, c, d]"))  # adding values is fine
    assert migrate(spec, out, "add", display="schema.yaml").files


def test_an_attribute_rename_is_a_typed_op_whose_reverse_renames_back(tmp_path: Path) -> None:
    from generator.kinds.composite_type import AlterCompositeType

    types_only = SPEC.split("    tables:")[0]
    old = _model(tmp_path, types_only)
    new = build(load_spec(_write(tmp_path, types_only.replace(
        "{name: b, type: text}", "{name: c, type: varchar(3), renamed_from: b}"), "new.yaml"), display="schema.yaml"))
    (op,) = plan(old, new).ops
    assert isinstance(op, AlterCompositeType) and op.renames == (("b", "c"),)
    assert op.reverse().reverse() == op
    assert op.statements == ["ALTER TYPE public.pair RENAME ATTRIBUTE b TO c;",
                             "ALTER TYPE public.pair ALTER ATTRIBUTE c SET DATA TYPE varchar(3);"]
    assert op.reverse().statements == ["ALTER TYPE public.pair RENAME ATTRIBUTE c TO b;",
                                       "ALTER TYPE public.pair ALTER ATTRIBUTE b SET DATA TYPE text;"]
    assert op.lock(op.parts()[0]).level is None


def test_a_domain_change_that_checks_rows_locks_its_tables_in_share_mode(tmp_path: Path) -> None:
    old = _model(tmp_path, SPEC)

    def lock(change: str) -> str | None:
        new = build(load_spec(_write(tmp_path, SPEC.replace("type: integer\n", change), "new.yaml"),
                              display="schema.yaml"))
        (op,) = plan(old, new).ops
        return op.lock(op.parts()[0]).level

    assert lock("type: integer\n        not_null: true\n") == "SHARE"
    assert lock("type: integer\n        default: '1'\n") is None
    assert lock("type: integer\n        comment: hi\n") is None
