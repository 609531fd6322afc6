"""The generated documentation: links resolve, the diagram is complete, statistics match the catalog."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from generator.ir.model import ForeignKeyIR
from generator.pipeline import generate
from generator.render.docs import DOC_FILES
from tests.outdb import OUT, build_from_out

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "cases" / "docs_and_seed"
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def github_anchors(markdown: str) -> set[str]:
    """Anchors GitHub generates for the headings (outside code blocks), duplicates numbered."""
    seen: dict[str, int] = {}
    anchors = set()
    for _, text in HEADING.findall(FENCE.sub("", markdown)):
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def broken_links(folder: Path) -> list[str]:
    """Every internal link of every Markdown file in ``folder`` whose file or anchor does not exist."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    anchors = {name: github_anchors(text) for name, text in texts.items()}
    broken = []
    for name, text in texts.items():
        for target in LINK.findall(FENCE.sub("", text)):
            if re.match(r"[a-z]+:", target):
                continue  # external (https:, mailto:)
            file, _, frag = target.partition("#")
            file = file or name
            if not (folder / file).is_file():
                broken.append(f"{name}: {target} (no file {file})")
            elif frag and (file not in anchors or frag not in anchors[file]):
                broken.append(f"{name}: {target} (no heading #{frag} in {file})")
    return broken


def test_anchor_rule_matches_github() -> None:
    assert github_anchors("# Table public.users\n## Test data (development and test only)\n## A\n## A\n") == {
        "table-publicusers", "test-data-development-and-test-only", "a", "a-1"}


DOC_CASES = sorted(p.parent for p in (ROOT / "tests" / "cases").glob("*/expected/SCHEMA_DOCUMENTATION.md"))


@pytest.mark.parametrize("folder", [OUT, *DOC_CASES], ids=["out", *(p.parent.name for p in DOC_CASES)])
def test_every_internal_link_resolves(folder: Path) -> None:
    assert {p.name for p in folder.glob("*.md")} == set(DOC_FILES)
    assert broken_links(folder) == []


def test_broken_links_are_found(tmp_path: Path) -> None:
    (tmp_path / "A.md").write_text("# Top\n[ok](#top) [bad](#nowhere) [gone](B.md) [x](A.md#top)\n"
                                   "```\n[in code](#ignored)\n```\n")
    assert broken_links(tmp_path) == ["A.md: #nowhere (no heading #nowhere in A.md)", "A.md: B.md (no file B.md)"]


def _mermaid(text: str) -> str:
    blocks = re.findall(r"^```mermaid\n(.*?)^```", text, re.M | re.S)
    assert len(blocks) == 1, "expected one Mermaid block"
    return blocks[0]


@pytest.mark.parametrize("spec", [ROOT / "schema.yaml", CASE / "schema.yaml"], ids=["platform", "docs_and_seed"])
def test_mermaid_names_every_table_and_foreign_key(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.pipeline.blocking", lambda findings: [])  # lint is not under test
    result = generate(spec, display="schema.yaml")
    doc = next(f.text for f in result.files if f.name == "SCHEMA_DOCUMENTATION.md")
    block = _mermaid(doc)
    assert block.startswith("erDiagram\n")
    entities = set(re.findall(r"^    (\S+) \{$", block, re.M))
    relations = set(re.findall(r"^    (\S+) (?:\|\||\|o)--o\{ (\S+) : \"([^\"]*)\"$", block, re.M))
    tables = result.model.of_kind("table")
    assert entities == {t.id.name for t in tables}
    fks = [o for o in result.model.of_kind("constraint") if isinstance(o, ForeignKeyIR)]
    assert fks, "the spec should have foreign keys"
    assert relations == {(fk.target.name, fk.id.table, ", ".join(fk.columns)) for fk in fks}
    for t in tables:  # every column is listed under its table
        body = re.search(rf"^    {t.id.name} \{{\n(.*?)^    \}}", block, re.M | re.S)
        assert body is not None
        assert [line.split()[1] for line in body.group(1).splitlines()] == [c.name for c in t.columns]


STATISTICS = {  # label in IMPLEMENTATION_SUMMARY.md → catalog query over the managed schemas
    "Tables": "select count(*) from pg_class c where c.relnamespace = any(%(ns)s) and c.relkind in ('r', 'p')",
    "Columns": "select count(*) from pg_attribute a join pg_class c on c.oid = a.attrelid "
               "where c.relnamespace = any(%(ns)s) and c.relkind in ('r', 'p') and a.attnum > 0 "
               "and not a.attisdropped",
    "Primary keys": "select count(*) from pg_constraint where connamespace = any(%(ns)s) and contype = 'p'",
    "Foreign keys": "select count(*) from pg_constraint where connamespace = any(%(ns)s) and contype = 'f'",
    "Unique constraints": "select count(*) from pg_constraint where connamespace = any(%(ns)s) and contype = 'u'",
    "Check constraints": "select count(*) from pg_constraint where connamespace = any(%(ns)s) and contype = 'c'",
    "Indexes (all)": "select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid "
                     "where c.relnamespace = any(%(ns)s)",
    "Indexes (declared)": "select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid "
                          "where c.relnamespace = any(%(ns)s) "
                          "and not exists (select from pg_constraint k where k.conindid = i.indexrelid)",
    "Indexes (primary key and unique constraints)":
        "select count(*) from pg_constraint where connamespace = any(%(ns)s) and contype in ('p', 'u')",
    "RLS policies": "select count(*) from pg_policy p join pg_class c on c.oid = p.polrelid "
                    "where c.relnamespace = any(%(ns)s)",
    "Triggers": "select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid "
                "where c.relnamespace = any(%(ns)s) and not t.tgisinternal",
    "Functions": "select count(*) from pg_proc p where p.pronamespace = any(%(ns)s) and not exists "
                 "(select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid "
                 "and d.deptype = 'e')",
    "Views": "select count(*) from pg_class c where c.relnamespace = any(%(ns)s) and c.relkind = 'v'",
    "Materialized views": "select count(*) from pg_class c where c.relnamespace = any(%(ns)s) and c.relkind = 'm'",
    "Schemas": "select count(*) from pg_namespace where oid = any(%(ns)s) and nspname <> 'public'",
    "Types": "select count(*) from pg_type t where t.typnamespace = any(%(ns)s) and t.typtype = 'e'",
    "Sequences": "select count(*) from pg_class c where c.relnamespace = any(%(ns)s) and c.relkind = 'S'",
}


def summary_statistics(text: str) -> dict[str, int]:
    """The rows of the Statistics table of IMPLEMENTATION_SUMMARY.md."""
    section = text.split("\n## Statistics\n", 1)[1].split("\n## ", 1)[0]
    return {label: int(n) for label, n in re.findall(r"^\| ([^|]+?) \| (\d+) \|$", section, re.M)}


def test_statistics_match_the_catalog_of_a_database_built_from_out(conn: psycopg.Connection) -> None:
    stats = summary_statistics((OUT / "IMPLEMENTATION_SUMMARY.md").read_text(encoding="utf-8"))
    build_from_out(conn)
    ns = [r[0] for r in conn.execute("select oid from pg_namespace where nspname in ('public', 'private')")]
    catalog = {label: conn.execute(query, {"ns": ns}).fetchone()[0] for label, query in STATISTICS.items()}
    assert {label: stats[label] for label in STATISTICS} == catalog
    assert catalog["Tables"] == 6 and catalog["RLS policies"] > 0 and catalog["Indexes (declared)"] >= 24


def test_line_counts_match_the_files_in_out() -> None:
    stats = summary_statistics((OUT / "IMPLEMENTATION_SUMMARY.md").read_text(encoding="utf-8"))

    def lines(pattern: str) -> int:
        return sum(p.read_text(encoding="utf-8").count("\n") for p in OUT.glob(pattern))

    assert stats["Lines of SQL (migrations)"] == lines("[0-9][0-9][0-9]_*.sql")
    assert stats["Lines of SQL (rollbacks)"] == lines("rollback_*.sql")
    assert stats["Lines of SQL (test data)"] == lines("seed_test_data.sql")
    assert stats["Lines of SQL (total)"] == lines("*.sql")
    if (OUT / "database.types.ts").exists():
        assert stats["Lines of TypeScript"] == lines("*.ts")


def test_the_documents_files_are_all_generated() -> None:
    """The fifteen files of the document's "Files Created Summary", plus migrations 001/002."""
    names = {p.name for p in OUT.iterdir() if p.is_file()}
    document = {"README.md", "SCHEMA_DOCUMENTATION.md", "MIGRATION_GUIDE.md", "IMPLEMENTATION_SUMMARY.md",
                "database.types.ts", "003_create_conversations_table.sql", "004_create_messages_table.sql",
                "005_create_feedback_table.sql", "006_create_usage_metrics_table.sql",
                "rollback_003_conversations.sql", "rollback_004_messages.sql", "rollback_005_feedback.sql",
                "rollback_006_usage_metrics.sql", "rollback_all.sql", "seed_test_data.sql"}
    assert len(document) == 15
    assert document | {"001_create_tenants_table.sql", "002_create_users_table.sql", "rollback_001_tenants.sql",
                       "rollback_002_users.sql"} <= names


def test_docs_state_no_hand_typed_counts() -> None:
    """Every per-table index count in README.md equals the model's (the document said both 16 and 24)."""
    readme = (OUT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \[public\.(\w+)\]\([^)]*\) \| table \| \d+ \| (\d+) \|", readme, re.M))
    assert {t: int(n) for t, n in rows.items() if t in ("conversations", "messages", "feedback", "usage_metrics")} \
        == {"conversations": 6, "messages": 6, "feedback": 5, "usage_metrics": 7}


def test_partitioned_tables_and_realtime_are_documented(tmp_path: Path) -> None:
    """A partitioned table's documentation says how it is partitioned and lists each partition with
    its bound; a Realtime table says it is broadcast."""
    text = (ROOT / "tests" / "cases" / "partitioned_tables" / "schema.yaml").read_text(encoding="utf-8")
    text = text.replace("outputs: {docs: false}", "outputs: {docs: true}")
    text = text.replace("      - name: rooms\n", "      - name: rooms\n        realtime: true\n", 1)
    spec = tmp_path / "schema.yaml"
    spec.write_text(text, encoding="utf-8")
    doc = next(f.text for f in generate(spec, display="schema.yaml").files if f.name == "SCHEMA_DOCUMENTATION.md")
    messages = doc[doc.index("### Table public.messages"):]
    assert "Partitioned by `RANGE (sent_at)`; its partitions" in messages
    assert "- `messages_y2026m01`: `FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')`" in messages
    assert "- `messages_default`: `DEFAULT`" in messages
    assert "- `readings_p1`: `FOR VALUES WITH (MODULUS 2, REMAINDER 1)`" in doc
    rooms = doc[doc.index("### Table public.rooms"):doc.index("### Table public.rooms") + 600]
    assert "Realtime: its changes are broadcast" in rooms and "Partitioned" not in rooms


_V1 = """\
project: {name: docs_created_in}
outputs: {docs: true, types: false, seed: false}
migrations:
  - number: 1
    name: base
    tables:
      - name: teams
        columns:
          - {name: id, type: bigint, identity: always, primary_key: true}
"""
_V2 = _V1 + """\
      - name: members
        columns:
          - {name: id, type: bigint, identity: always, primary_key: true}
    functions:
      - name: team_count
        returns: bigint
        volatility: stable
        body: select count(*) from public.teams
"""


def test_docs_name_the_migration_that_creates_an_object_not_its_spec_block(tmp_path: Path) -> None:
    """What a migration recorded by ``schemagen migrate`` adds is written under an earlier block of
    the spec (the recorded migration has none); the documentation says which migration file really
    creates it, from the plan of the history (it listed it under the block's migration, and the
    recorded one as creating nothing)."""
    from generator.history import load_history
    from generator.migrate import migrate
    from generator.output import write_out

    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    spec.write_text(_V1)
    write_out(out, generate(spec, display="schema.yaml").files)
    spec.write_text(_V2)
    migrate(spec, out, "members", display="schema.yaml")
    result = generate(spec, display="schema.yaml", history=load_history(out))
    doc = next(f.text for f in result.files if f.name == "SCHEMA_DOCUMENTATION.md")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| \[(\d{3}_\w+\.sql)\]\(\1\) \| (.*) \|$", doc, re.M)}
    assert set(rows) == {"001_base.sql", "002_members.sql"}
    assert "public.teams" in rows["001_base.sql"]
    assert "public.members" not in rows["001_base.sql"] and "team_count" not in rows["001_base.sql"]
    assert "public.members" in rows["002_members.sql"] and "public.team_count" in rows["002_members.sql"]
    function = doc[doc.index("### Function public.team_count()"):]
    assert "- Created by [002_members.sql](002_members.sql)" in function.split("\n### ")[0]
    table = doc[doc.index("### Table public.members"):]
    assert "Created by [002_members.sql](002_members.sql)." in table.split("\n### ")[0]
