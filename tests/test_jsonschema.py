"""The published JSON Schema of schema.yaml: current with the models, and true to every spec we have."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.errors import SpecError
from generator.spec import load_spec
from generator.spec.jsonschema import COMMITTED_PATH, spec_json_schema, spec_json_schema_text

ROOT = Path(__file__).resolve().parent.parent
VALIDATOR = jsonschema.Draft202012Validator(spec_json_schema())

# every spec in the repository that is meant to be valid
VALID_SPECS = sorted(
    [ROOT / "schema.yaml"]
    + [p for p in (ROOT / "tests" / "cases").rglob("*.yaml") if "expected" not in p.parts and p.name != "case.yaml"]
    + list((ROOT / "tests").glob("**/specs/*.yaml"))
)


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_committed_schema_is_what_the_models_generate() -> None:
    committed = (ROOT / COMMITTED_PATH).read_text(encoding="utf-8")
    assert committed == spec_json_schema_text(), (
        f"{COMMITTED_PATH} is stale: run `schemagen schema > {COMMITTED_PATH}`")


def test_schema_is_a_valid_draft_2020_12_schema_with_descriptions() -> None:
    schema = spec_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    table = schema["$defs"]["Table"]
    assert table["additionalProperties"] is False
    assert "schema" in table["properties"]  # keys as written in YAML (aliases), not Python names
    assert "RLS" in table["properties"]["policies"]["description"] or table["properties"]["policies"]["description"]
    column = schema["$defs"]["Column"]["properties"]
    assert column["nullable"]["description"].startswith("Columns are nullable")
    undocumented = [f"{name}.{key}" for name, d in schema["$defs"].items() if name != "Shape"
                    for key, prop in d.get("properties", {}).items() if not prop.get("description")]
    assert undocumented == []


def test_there_are_specs_to_check() -> None:
    assert len(VALID_SPECS) > 40


@pytest.mark.parametrize("path", VALID_SPECS, ids=_rel)
def test_every_spec_of_the_repository_validates(path: Path) -> None:
    try:
        data = load_spec(path).source.data  # the loader reads it as libyaml does
    except SpecError:
        if "specs" in path.parts:  # a folder of specs may hold rejected ones (a corpus of bad input)
            pytest.skip("rejected by the loader: not meant to be valid")
        raise
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("text, where", [
    ("migrations: [{number: 1, name: a, tabels: []}]", "migrations/0"),
    ("migrations: [{number: 1, name: a, tables: [{name: t, columns: [{name: id, type: int, nulable: true}]}]}]",
     "migrations/0/tables/0/columns/0"),
    ("migrations: [{number: 1, name: a, tables: [{name: t, columns: [{name: id, type: int}],"
     " policies: [{name: p, command: read}]}]}]", "migrations/0/tables/0/policies/0/command"),
    ("migrations: []", "migrations"),
])
def test_the_schema_rejects_what_the_loader_rejects(text: str, where: str, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    with pytest.raises(SpecError):
        load_spec(spec)
    errors = ["/".join(map(str, e.absolute_path)) for e in VALIDATOR.iter_errors(yaml.safe_load(text))]
    assert where in errors


def test_schema_yaml_and_init_point_editors_at_the_schema() -> None:
    first = (ROOT / "schema.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={COMMITTED_PATH}"
    assert (ROOT / COMMITTED_PATH).exists()
    json.loads((ROOT / COMMITTED_PATH).read_text(encoding="utf-8"))
