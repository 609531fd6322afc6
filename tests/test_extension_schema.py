"""Supabase's `extensions` schema is external; declared extensions lend their names anywhere."""

from __future__ import annotations

from pathlib import Path

from generator.ir import build
from generator.ir.ids import ObjectId
from generator.kinds import Kind
from generator.spec import load_spec
from tests.test_errors import errors_of


def test_declaring_the_extensions_schema_is_an_error(tmp_path: Path) -> None:
    assert errors_of(tmp_path, """\
migrations:
  - number: 1
    name: init
    schemas: [{name: extensions}]
""") == ["schema.yaml:4:22: schema 'extensions' already exists on Supabase: do not declare it\n"
         "    hint: place extensions in it with `schema: extensions`; verify's stand-in creates it"]


def test_an_extension_in_a_managed_schema_lends_its_types_and_is_created_first(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text("""\
migrations:
  - number: 1
    name: init
    schemas: [{name: ext}]
    extensions: [{name: citext, schema: ext}]
    tables:
      - name: people
        columns:
          - {name: id, type: bigint, primary_key: true}
          - {name: email, type: ext.citext}
""", encoding="utf-8")
    model = build(load_spec(spec))
    table = ObjectId(Kind.TABLE, "public", "people")
    assert ObjectId(Kind.EXTENSION, "", "citext") in model.deps[table]


def test_a_type_of_a_managed_schema_without_an_extension_is_still_unknown(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, """\
migrations:
  - number: 1
    name: init
    schemas: [{name: ext}]
    tables:
      - name: people
        columns:
          - {name: id, type: bigint, primary_key: true}
          - {name: email, type: ext.citext}
""")
    assert len(errors) == 1 and "uses unknown type ext.citext" in errors[0]
