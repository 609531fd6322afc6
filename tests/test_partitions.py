"""Partitioned tables without a database: the monthly helper's expansion, the history round trip of a
partitioned table, and a new ``partition_by`` refused by migrate with a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.history import object_from_dict, object_to_dict
from generator.ir import build
from generator.ir.model import TableIR
from generator.migrate import migrate
from generator.output import write_out
from generator.pipeline import generate
from generator.spec import load_spec

SPEC = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: logs
        columns:
          - {name: at, type: timestamptz, nullable: false}
          - {name: line, type: text}
        partition_by: {strategy: range, columns: [at]}
        partitions:
          monthly: {from: '2026-11', to: '2027-02'}
          default: true
"""


def _table(tmp_path: Path, text: str) -> TableIR:
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    model = build(load_spec(tmp_path / "schema.yaml", display="schema.yaml"))
    table = next(o for o in model.objects.values() if isinstance(o, TableIR))
    return table


def test_monthly_helper_crosses_the_year_and_adds_the_default(tmp_path: Path) -> None:
    t = _table(tmp_path, SPEC)
    assert t.partition_by == "RANGE (at)"
    assert [(p.name, p.bound) for p in t.partitions] == [
        ("logs_y2026m11", "FROM ('2026-11-01') TO ('2026-12-01')"),
        ("logs_y2026m12", "FROM ('2026-12-01') TO ('2027-01-01')"),
        ("logs_y2027m01", "FROM ('2027-01-01') TO ('2027-02-01')"),
        ("logs_default", "DEFAULT"),
    ]


def test_a_partitioned_table_round_trips_through_history(tmp_path: Path) -> None:
    t = _table(tmp_path, SPEC)
    back, _ = object_from_dict(object_to_dict(t, frozenset()))
    assert (back.partition_by, back.partitions) == (t.partition_by, t.partitions)  # type: ignore[attr-defined]
    plain = object_to_dict(_table(tmp_path, SPEC.split("        partition_by")[0]), frozenset())["fields"]
    assert "partitions" not in plain and "partition_by" not in plain  # older history files stay as they are


def test_new_partitioning_is_refused_with_a_located_error(tmp_path: Path) -> None:
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    spec.write_text(SPEC, encoding="utf-8")
    write_out(out, generate(spec, display="schema.yaml").files)
    listed = SPEC.replace("strategy: range", "strategy: list")
    spec.write_text(listed[:listed.index("        partitions:")], encoding="utf-8")
    with pytest.raises(SpecError) as err:
        migrate(spec, out, "relist", display="schema.yaml")
    message = str(err.value)
    assert "table public.logs: its partitioning cannot change (RANGE (at) → LIST (at))" in message
    assert message.startswith("schema.yaml:5:9: ") and "copy the rows" in message
    assert not (out / "002_relist.sql").exists()


def _parted(by: str) -> TableIR:
    from generator.ir.ids import ObjectId
    from generator.ir.model import Column
    from generator.kinds import Kind

    return TableIR(id=ObjectId(Kind.TABLE, "app", "t"), migration=1, columns=(Column(name="a", type="int"),),
                   partition_by=by)


@pytest.mark.parametrize(("by", "bound", "check"), [
    ("RANGE (at)", "FROM ('2026-01-01') TO ('2026-02-01')",
     "at IS NOT NULL AND at >= '2026-01-01' AND at < '2026-02-01'"),
    ("RANGE (at)", "FROM (MINVALUE) TO ('2026-01-01')", "at IS NOT NULL AND at < '2026-01-01'"),
    ("RANGE (at)", "FROM ('2026-01-01') TO (MAXVALUE)", "at IS NOT NULL AND at >= '2026-01-01'"),
    ("RANGE (a, b)", "FROM (1, 'x') TO (1, MAXVALUE)", "a IS NOT NULL AND b IS NOT NULL AND ROW(a, b) >= ROW(1, 'x') "
                                                       "AND a <= 1"),
    ("RANGE (a, b)", "FROM (1, MAXVALUE) TO (2, MINVALUE)", "a IS NOT NULL AND b IS NOT NULL AND a > 1 AND a < 2"),
    ("LIST (\"Region\")", "IN ('o''brien', 'eu')", "\"Region\" IS NOT NULL AND \"Region\" IN ('o''brien', 'eu')"),
    ("HASH (a)", "WITH (MODULUS 4, REMAINDER 1)", "satisfies_hash_partition('app.t'::regclass::oid, 4, 1, a)"),
    ("RANGE ((at::date))", "FROM ('2026-01-01') TO ('2026-02-01')",
     "(CAST(at AS date)) IS NOT NULL AND (CAST(at AS date)) >= '2026-01-01' AND (CAST(at AS date)) < '2026-02-01'"),
    ("LIST (a)", "DEFAULT", None),
])
def test_a_bound_as_a_check(by: str, bound: str, check: str | None) -> None:
    """What a partition's bound admits, as the check its move validates (literals re-quoted)."""
    from generator.ir.model import PartitionIR
    from generator.ir.partitions import bound_check

    assert bound_check(_parted(by), PartitionIR(name="p", bound=bound)) == check


SUB = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: tickets
        columns:
          - {name: region, type: text, nullable: false}
          - {name: opened, type: date, nullable: false}
        partition_by: {strategy: list, columns: [region]}
        partitions:
          - name: tickets_eu
            values: {in: [eu]}
            partition_by: {strategy: range, columns: [opened]}
            partitions:
              monthly: {from: '2026-01', to: '2026-03'}
          - {name: tickets_other, default: true}
"""


def test_sub_partitions_are_a_tree_that_round_trips_through_history(tmp_path: Path) -> None:
    from generator.ir.partitions import tree

    t = _table(tmp_path, SUB)
    assert [(parent, p.name) for parent, p in tree(t)] == [
        (None, "tickets_eu"), ("tickets_eu", "tickets_eu_y2026m01"), ("tickets_eu", "tickets_eu_y2026m02"),
        (None, "tickets_other")]
    assert t.partitions[0].partition_by == "RANGE (opened)"
    back, _ = object_from_dict(object_to_dict(t, frozenset()))
    assert back.partitions == t.partitions  # type: ignore[attr-defined]


def test_a_partition_cannot_be_partitioned_anew(tmp_path: Path) -> None:
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    spec.write_text(SUB, encoding="utf-8")
    write_out(out, generate(spec, display="schema.yaml").files)
    spec.write_text(SUB.replace("{strategy: range, columns: [opened]}", "{strategy: hash, columns: [opened]}")
                    .replace("monthly: {from: '2026-01', to: '2026-03'}",
                             "[{name: h0, values: {modulus: 1, remainder: 0}}]"), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        migrate(spec, out, "rehash", display="schema.yaml")
    assert "partition public.tickets_eu of public.tickets: its partitioning cannot change (RANGE (opened) → " \
           "HASH (opened))" in str(err.value)
    assert not (out / "002_rehash.sql").exists()


def test_sub_partition_errors_are_located(tmp_path: Path) -> None:
    from tests.test_errors import errors_of

    errors = errors_of(tmp_path, SUB.replace("    tables:\n", "    tables:\n      - {name: t, columns: [{name: a, "
                                                                "type: int}]}\n")
                       .replace("          - {name: opened, type: date, nullable: false}\n",
                                "          - {name: opened, type: date, nullable: false}\n"
                                "        primary_key: [region]\n")
                       .replace("          - {name: tickets_other, default: true}\n",
                                "          - {name: tickets_other, default: true, partitions: [{name: x, default: "
                                "true}]}\n          - {name: tickets_eu_y2026m01, values: {in: [uk]}}\n"))
    assert errors == [
        "schema.yaml:13:11: duplicate partition name 'tickets_eu_y2026m01' of table 'tickets'",
        "schema.yaml:15:27: partition 'tickets_eu': constraint 'tickets_pkey' must include the partition column(s) "
        "opened (Postgres refuses a unique key on a partitioned table without them)",
        "schema.yaml:18:62: partition 'tickets_other' has partitions but no `partition_by`",
    ]


def test_a_partitioned_partition_of_a_table_with_identity_keeps_its_bound(tmp_path: Path) -> None:
    """PostgreSQL 17+ takes the identity off a detached partition and its partitions but gives it
    back to the partition alone on ATTACH: such a move is refused, located, before anything is written."""
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    text = SUB.replace("          - {name: opened, type: date, nullable: false}\n",
                       "          - {name: opened, type: date, nullable: false}\n"
                       "          - {name: id, type: bigint, identity: always}\n")
    spec.write_text(text, encoding="utf-8")
    write_out(out, generate(spec, display="schema.yaml").files)
    spec.write_text(text.replace("values: {in: [eu]}", "values: {in: [eu, uk]}"), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        migrate(spec, out, "widen", display="schema.yaml")
    assert "the bound of partition(s) tickets_eu cannot move" in str(err.value)
    assert str(err.value).startswith("schema.yaml:5:9: ")
    assert not (out / "002_widen.sql").exists()
    # without the identity column the same move is planned (and proven by the partitions_sub case)
    spec.write_text(SUB, encoding="utf-8")
    out2 = tmp_path / "out2"
    write_out(out2, generate(spec, display="schema.yaml").files)
    spec.write_text(SUB.replace("values: {in: [eu]}", "values: {in: [eu, uk]}"), encoding="utf-8")
    assert migrate(spec, out2, "widen", display="schema.yaml").files
