"""Comments on every kind: each kind that is a Postgres object of its own accepts `comment:`, its
create renders COMMENT ON, a changed comment is changed in place, and the rollback puts the old one
back. The constraints a table declares itself (primary key, unique, check, exclusion) take one too,
changed by COMMENT ON CONSTRAINT without dropping the constraint. The kinds come from the registry,
so a new kind without comments fails here.

Two kinds have no comment, on purpose: a cron job is a row of ``cron.job``, not an object
COMMENT ON can name, and raw SQL is not one object (its `up` can carry its own COMMENT ON; its
`description` goes to the docs)."""

from __future__ import annotations

from pathlib import Path

from generator.kinds import Kind, kind_defs
from generator.migrate import migrate
from generator.output import write_out
from generator.pipeline import generate

SPEC = """\
external: [cron.schedule]
migrations:
  - number: 1
    name: init
    schemas:
      - {name: app, comment: "@schema"}
    extensions:
      - {name: citext, schema: extensions, comment: "@extension"}
    enums:
      - {name: mood, values: [ok], comment: "@enum"}
    domains:
      - {name: positive, type: integer, comment: "@domain"}
    composite_types:
      - {name: pair, attributes: [{name: a, type: integer}], comment: "@composite"}
    sequences:
      - {name: counter, comment: "@sequence"}
    functions:
      - {name: f, returns: trigger, language: plpgsql, body: "begin return null; end;", comment: "@function"}
    procedures:
      - {name: p, body: select 1, comment: "@procedure"}
    tables:
      - name: parents
        comment: "@table"
        columns:
          - {name: id, type: bigint, primary_key: true, comment: "@column"}
          - {name: code, type: text}
          - {name: during, type: tstzrange}
        primary_key_comment: "@pkey"
        unique:
          - {columns: [code], comment: "@unique"}
        checks:
          - {expression: code <> '', comment: "@check"}
        exclude:
          - {elements: [{column: during, with: "&&"}], comment: "@exclusion"}
      - name: children
        columns:
          - {name: id, type: bigint, primary_key: true}
          - {name: parent_id, type: bigint, references: {table: parents, comment: "@constraint"}}
        indexes:
          - {columns: [parent_id], comment: "@index"}
        triggers:
          - {name: t, timing: after, events: [insert], function: f, comment: "@trigger"}
        policies:
          - {name: own, command: select, roles: [authenticated], using: "id > 0", comment: "@policy"}
    views:
      - {name: v, query: select c.id from public.children c, comment: "@view"}
    materialized_views:
      - {name: mv, query: select c.id from public.children c, refresh: blocking, comment: "@matview"}
"""

#: the kinds COMMENT ON cannot name (see the module docstring)
WITHOUT_COMMENT = {Kind.JOB, Kind.RAW}


def _files(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.sql")}


def test_every_kind_with_a_keyword_takes_a_comment() -> None:
    """The registry's kinds without a SQL keyword are exactly the two this file says why."""
    assert {d.kind for d in kind_defs() if d.keyword is None} == WITHOUT_COMMENT


def test_every_kind_comments_on_create_change_and_rollback(tmp_path: Path) -> None:
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    spec.write_text(SPEC, encoding="utf-8")
    write_out(out, generate(spec, display="schema.yaml").files)
    first = _files(out)["001_init.sql"]
    docs = next(out.rglob("SCHEMA_DOCUMENTATION.md")).read_text(encoding="utf-8")
    for name, text in (("parents_pkey", "pkey"), ("parents_code_key", "unique"), ("parents_code_check", "check"),
                       ("parents_during_excl", "exclusion"), ("children_parent_id_fkey", "constraint")):
        assert f"- `{name}`: " in docs and f"; @{text}\n" in docs, name  # the schema documentation lists them
    keywords = {d.keyword for d in kind_defs() if d.keyword is not None}
    for keyword in sorted(keywords) + ["COLUMN"]:
        assert f"COMMENT ON {keyword} " in first, f"no COMMENT ON {keyword} in the first migration"
    for text in ("schema", "extension", "enum", "domain", "composite", "sequence", "function", "procedure",
                 "table", "column", "constraint", "pkey", "unique", "check", "exclusion", "index", "trigger",
                 "policy", "view", "matview"):
        assert f"'@{text}'" in first, text
    spec.write_text(SPEC.replace('"@', '"changed @'), encoding="utf-8")
    migrate(spec, out, "recomment", display="schema.yaml")
    files = _files(out)
    up, down = files["002_recomment.sql"], files["rollback_002_recomment.sql"]
    for keyword in sorted(keywords) + ["COLUMN"]:
        assert f"COMMENT ON {keyword} " in up and f"COMMENT ON {keyword} " in down, keyword
    assert "CREATE " not in up and "DROP " not in up, "a comment is changed in place"
    assert "ADD CONSTRAINT" not in up and "ADD CONSTRAINT" not in down, "a constraint is kept for its comment"
    for text in ("schema", "extension", "constraint", "pkey", "unique", "check", "exclusion", "trigger", "policy",
                 "matview"):
        assert f"'changed @{text}'" in up and f"'@{text}'" in down and f"'changed @{text}'" not in down, text
