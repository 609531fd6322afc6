"""schemagen pull of partitioned tables: the key (columns or expressions), each bound (MINVALUE and
MAXVALUE too), the default partition, the monthly helper's form, sub-partitions at any depth; what
a partition holds as its table's clone is not declared again; what is its own, or what the language
cannot state, is listed (exit 4); drift sees a partition added or dropped by hand."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.pull.drift import diff
from generator.pull.kinds.partition import (
    Unstatable,
    bound_data,
    clone_index_name,
    key_data,
    key_expression,
    monthly_form,
    split_key,
)
from generator.verify.backends import Server
from tests.pull.helpers import apply, prepare, pull_into, regenerate_and_compare, snapshot

# --- without a database: Postgres's text → the spec's shape ----------------------------------------


def test_bounds_as_postgres_prints_them() -> None:
    assert bound_data("r", "FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')") == {
        "values": {"from": "2026-01-01 00:00:00+00", "to": "2026-02-01 00:00:00+00"}}
    assert bound_data("r", "FOR VALUES FROM ('-5', 1.5) TO (10, 'a''b')") == {
        "values": {"from": ["-5", "1.5"], "to": [10, "a'b"]}}
    assert bound_data("l", "FOR VALUES IN ('eu', 'uk')") == {"values": {"in": ["eu", "uk"]}}
    assert bound_data("l", "FOR VALUES IN (true)") == {"values": {"in": ["true"]}}
    assert bound_data("l", "FOR VALUES IN (0, '', false)") == {"values": {"in": [0, "", "false"]}}
    assert bound_data("h", "FOR VALUES WITH (modulus 1, remainder 0)") == {"values": {"modulus": 1, "remainder": 0}}
    assert bound_data("h", "FOR VALUES WITH (modulus 4, remainder 3)") == {"values": {"modulus": 4, "remainder": 3}}
    assert bound_data("l", "DEFAULT") == {"default": True}
    assert bound_data("r", "FOR VALUES FROM (MINVALUE) TO (10)") == {"values": {"from": "MINVALUE", "to": 10}}
    assert bound_data("r", "FOR VALUES FROM (1, MAXVALUE) TO (MAXVALUE, MAXVALUE)") == {
        "values": {"from": [1, "MAXVALUE"], "to": ["MAXVALUE", "MAXVALUE"]}}
    assert bound_data("l", "FOR VALUES IN ('MINVALUE')") == {"values": {"in": ["MINVALUE"]}}  # a list value is quoted
    for strategy, bound, why in (("l", "FOR VALUES IN (NULL, 'a')", "NULL"),
                                 ("r", "FOR VALUES FROM ('MAXVALUE') TO ('z')", "reads it as the keyword")):
        with pytest.raises(Unstatable, match=why):
            bound_data(strategy, bound)


def test_keys_the_language_states_and_those_it_cannot() -> None:
    assert key_data("r", ["sent_at"], "RANGE (sent_at)") == ({"strategy": "range", "columns": ["sent_at"]}, "")
    assert key_data("l", ["Region", "id"], 'LIST ("Region", id)')[0] == {
        "strategy": "list", "columns": ["Region", "id"]}
    # expressions: Postgres's own text, without the parentheses it puts around a non-call
    assert key_data("r", [""], "RANGE (((d)::date))") == (
        {"strategy": "range", "columns": [{"expression": "(d)::date"}]}, "")
    assert key_data("r", ["a", "", ""], "RANGE (a, ((b || ',)'::text)), public.f(\"C\", 'x'))")[0] == {
        "strategy": "range",
        "columns": ["a", {"expression": "(b || ',)'::text)"}, {"expression": "public.f(\"C\", 'x')"}]}
    assert key_data("l", [""], "LIST (lower(name))")[0] == {
        "strategy": "list", "columns": [{"expression": "lower(name)"}]}
    # what the language does not state: an operator class or a collation, after a column or an expression
    for columns, definition in ((["v"], 'LIST (v COLLATE "C")'), (["v"], "HASH (v text_pattern_ops)"),
                                ([""], 'LIST (lower(v) COLLATE "C")'),
                                ([""], "LIST (((v || 'a'::text)) text_pattern_ops)"),
                                ([""], "RANGE ((a + 1) COLLATE \"C\")")):
        key, why = key_data("l", columns, definition)
        assert key is None and why == f"partition key {definition}: an operator class or collation in the key"


def test_key_elements_split_outside_quotes_and_parentheses() -> None:
    assert split_key("RANGE (a, ((b || ', ('::text)), \"x, y\", f(a, b))") == [
        "a", "((b || ', ('::text))", '"x, y"', "f(a, b)"]
    assert split_key("LIST ('it''s, (')") == ["'it''s, ('"]
    assert key_expression("(a)::b") is None  # not one parenthesised expression
    assert key_expression("((a + 1))") == "(a + 1)"
    assert key_expression('"My Fn"(a)') == '"My Fn"(a)'
    assert key_expression("lower(a) text_ops") is None


def test_names_postgres_gives_a_partitions_clones() -> None:
    assert clone_index_name("m_1", "p", ["id", "at"]) == "m_1_pkey"
    assert clone_index_name("m_1", "u", ["b", "a"]) == "m_1_b_a_key"
    assert clone_index_name("m_1", "x", ["a"]) == "m_1_a_excl"
    assert clone_index_name("m_1", None, ["a", "c"]) == "m_1_a_c_idx"
    assert clone_index_name("m_1", None, ["a", ""]) is None  # an expression: named after its function
    assert clone_index_name("m" * 60, None, ["a"]) is None  # truncated by Postgres


def _months(table: str, *spans: tuple[str, str, str]) -> list[dict[str, object]]:
    return [{"name": f"{table}_{n}", "values": {"from": a, "to": b}} for n, a, b in spans]


def test_monthly_helper_form_only_for_exactly_what_it_generates() -> None:
    parts = _months("m", ("y2025m12", "2025-12-01", "2026-01-01"), ("y2026m01", "2026-01-01", "2026-02-01"))
    assert monthly_form("m", "date", parts) == {"monthly": {"from": "2025-12", "to": "2026-02"}}
    assert monthly_form("m", "date", [*parts, {"name": "m_default", "default": True}]) == {
        "monthly": {"from": "2025-12", "to": "2026-02"}, "default": True}
    tz = _months("m", ("y2026m03", "2026-03-01 00:00:00+01", "2026-04-01 00:00:00+02"))
    assert monthly_form("m", "timestamp with time zone", tz) == {"monthly": {"from": "2026-03", "to": "2026-04"}}
    plain = _months("m", ("y2026m03", "2026-03-01 00:00:00", "2026-04-01 00:00:00"))
    assert monthly_form("m", "timestamp without time zone", plain) is not None
    assert monthly_form("m", "timestamp(0) without time zone", plain) is not None
    # anything else is stated one by one
    assert monthly_form("m", "date", [*parts, {"name": "m_other", "default": True}]) is None  # default's name
    assert monthly_form("m", "date", [parts[0], *_months("m", ("y2026m02", "2026-02-01", "2026-03-01"))]) is None
    assert monthly_form("m", "date", _months("m", ("y2026m01", "2026-01-01", "2026-03-01"))) is None  # two months
    assert monthly_form("m", "date", _months("m", ("y2026m02", "2026-01-01", "2026-02-01"))) is None  # name
    assert monthly_form("m", "date", _months("m", ("y2026m01", "2026-01-02", "2026-02-01"))) is None
    assert monthly_form("m", "text", plain) is None  # '2026-03-01 00:00:00' is not the text '2026-03-01'
    assert monthly_form("m", "timestamp with time zone", plain) is None
    assert monthly_form("m", "integer", parts) is None
    assert monthly_form("m", "date", [{"name": "m_default", "default": True}]) is None


# --- on real Postgres ---------------------------------------------------------------------------------

#: Partitioned tables as a Supabase app writes them by hand: RLS on and the API roles' privileges
#: revoked on every partition (what the spec generates), a partition attached after the fact, a table
#: referencing a partitioned one, a trigger on a partitioned table.
HAND_WRITTEN = """
create table public.logs (
  id bigint generated always as identity, at date not null default current_date,
  line text not null check (length(line) > 0), primary key (id, at)) partition by range (at);
create table public.logs_y2025m12 partition of public.logs for values from ('2025-12-01') to ('2026-01-01');
create table public.logs_y2026m01 partition of public.logs for values from ('2026-01-01') to ('2026-02-01');
create table public.logs_y2026m02 (like public.logs including defaults including constraints);
alter table public.logs attach partition public.logs_y2026m02 for values from ('2026-02-01') to ('2026-03-01');
create table public.logs_default partition of public.logs default;
create index logs_line_idx on public.logs (line);
create table public.ticks (at timestamp not null, n integer) partition by range (at);
create table public.ticks_y2026m01 partition of public.ticks for values from ('2026-01-01') to ('2026-02-01');
create table public.ticks_y2026m02 partition of public.ticks for values from ('2026-02-01') to ('2026-03-01');
create table public.events (region text not null, id bigint not null, primary key (region, id))
  partition by list (region);
create table public.events_eu partition of public.events for values in ('eu', 'uk');
create table public.events_rest partition of public.events default;
create table public.readings (sensor integer not null, v numeric) partition by hash (sensor);
create table public.readings_0 partition of public.readings for values with (modulus 2, remainder 0);
create table public.readings_1 partition of public.readings for values with (modulus 2, remainder 1);
create table public.scores (n integer not null) partition by range (n);
create table public.scores_low partition of public.scores for values from (0) to (10);
create table public.log_refs (log_id bigint not null, log_at date not null,
  foreign key (log_id, log_at) references public.logs (id, at));
create function public.touch() returns trigger language plpgsql as $$
begin
  return new;
end;
$$;
create trigger events_touch before insert on public.events for each row execute function public.touch();
-- Supabase only from here: RLS on, the API roles' default grants revoked on every table, realtime
do $$
declare t text;
begin
  for t in select c.oid::regclass::text from pg_class c where c.relnamespace = 'public'::regnamespace
           and c.relkind in ('r', 'p') loop
    execute format('alter table %s enable row level security', t);
    execute format('revoke all on table %s from anon, authenticated, service_role', t);
  end loop;
end
$$;
grant select on public.logs to authenticated;
create policy "logs are readable" on public.logs for select to authenticated using (true);
alter publication supabase_realtime add table public.events;
"""


@pytest.mark.parametrize("supabase", [True, False], ids=["supabase", "plain"])
def test_hand_written_partitions_round_trip(supabase: bool, pg_server: Server, tmp_path: Path) -> None:
    """Range with monthly partitions and a default (one attached later), range on a timestamp, list with
    a default, hash, a range on integers: pulled in the spec's own forms, regenerated, the same catalog
    (on Supabase and on plain Postgres)."""
    sql = HAND_WRITTEN if supabase else HAND_WRITTEN.split("-- Supabase only")[0]
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c, supabase=supabase)
        apply(c, "partitions.sql", sql)
        expected = snapshot(db.dsn)
        spec, _out = pull_into(db.dsn, tmp_path, schemas=["public"])
    text = spec.read_text(encoding="utf-8")
    assert ("realtime: true" in text) is supabase
    logs = text[text.index("- name: logs\n"):text.index("- name: readings\n")]
    assert "partition_by: {strategy: range, columns: [at]}\n    partitions:\n      monthly: {from: 2025-12, " \
           "to: 2026-03}\n      default: true\n" in logs
    assert "logs_y2026m02" not in text and "logs_line_idx" not in text  # the helper's and the default name
    assert "monthly: {from: 2026-01, to: 2026-03}" in text  # ticks (timestamp without time zone)
    assert "- name: events_eu\n      values: {in: [eu, uk]}\n    - {name: events_rest, default: true}" in text
    assert "values: {modulus: 2, remainder: 1}" in text and "values: {from: 0, to: 10}" in text
    assert text.count("events_touch") == 1 and text.count("references: {table: logs") == 1
    assert text.count("length(line) > 0") == 1
    assert regenerate_and_compare(pg_server, spec, expected, supabase=supabase) == []


#: Hand-written trees: MINVALUE/MAXVALUE bounds over one and three key columns, sub-partitions three
#: levels deep (the last one in the monthly helper's names, with a default), expression keys (a call,
#: an operator with a comma inside a string), an index on the table cloned down every level.
TREES = """
create table public.sales (at date not null, region text not null, amount numeric) partition by range (at);
create table public.sales_old partition of public.sales for values from (minvalue) to ('2026-01-01');
create table public.sales_2026 partition of public.sales for values from ('2026-01-01') to ('2027-01-01');
create table public.sales_2027 partition of public.sales for values from ('2027-01-01') to ('2028-01-01')
  partition by list (region);
create table public.sales_2027_eu partition of public.sales_2027 for values in ('eu');
create table public.sales_2027_us partition of public.sales_2027 for values in ('us') partition by range (at);
create table public.sales_2027_us_y2027m01 partition of public.sales_2027_us
  for values from ('2027-01-01') to ('2027-02-01');
create table public.sales_2027_us_y2027m02 partition of public.sales_2027_us
  for values from ('2027-02-01') to ('2027-03-01');
create table public.sales_2027_us_default partition of public.sales_2027_us default;
create index sales_amount_idx on public.sales (amount);
create table public.by_name (name text not null) partition by list ((lower(name)));
create table public.by_name_ab partition of public.by_name for values in ('a', 'b,c');
create table public.spans (a integer not null, b text not null, c integer) partition by range (a, (b || ','), abs(c));
create table public.spans_low partition of public.spans
  for values from (minvalue, minvalue, minvalue) to (0, 'x', maxvalue);
create table public.spans_high partition of public.spans
  for values from (0, 'x', maxvalue) to (maxvalue, maxvalue, maxvalue);
do $$
declare t text;
begin
  for t in select c.oid::regclass::text from pg_class c where c.relnamespace = 'public'::regnamespace
           and c.relkind in ('r', 'p') loop
    execute format('alter table %s enable row level security', t);
    execute format('revoke all on table %s from anon, authenticated, service_role', t);
  end loop;
end
$$;
"""


def test_trees_bounds_and_expression_keys_round_trip(pg_server: Server, tmp_path: Path) -> None:
    """MINVALUE/MAXVALUE, sub-partitions (one by one and monthly) and expression keys are pulled in
    the spec's forms (expressions as Postgres deparses them), regenerated: the same catalog."""
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "trees.sql", TREES)
        expected = snapshot(db.dsn)
        spec, _out = pull_into(db.dsn, tmp_path, schemas=["public"])
    text = spec.read_text(encoding="utf-8")
    tables = {t["name"]: t for m in yaml.safe_load(text)["migrations"] for t in m.get("tables", [])}
    sales = tables["sales"]["partitions"]
    assert [p["name"] for p in sales] == ["sales_2026", "sales_2027", "sales_old"]
    assert sales[2]["values"] == {"from": "MINVALUE", "to": "2026-01-01"}
    assert sales[1]["partition_by"] == {"strategy": "list", "columns": ["region"]}
    assert sales[1]["partitions"] == [
        {"name": "sales_2027_eu", "values": {"in": ["eu"]}},
        {"name": "sales_2027_us", "values": {"in": ["us"]}, "partition_by": {"strategy": "range", "columns": ["at"]},
         "partitions": {"monthly": {"from": "2027-01", "to": "2027-03"}, "default": True}}]
    assert tables["by_name"]["partition_by"] == {"strategy": "list", "columns": [{"expression": "lower(name)"}]}
    assert tables["spans"]["partition_by"]["columns"] == [
        "a", {"expression": "(b || ','::text)"}, {"expression": "abs(c)"}]
    assert tables["spans"]["partitions"][0]["values"] == {
        "from": [0, "x", "MAXVALUE"], "to": ["MAXVALUE", "MAXVALUE", "MAXVALUE"]}
    assert text.count("columns: [amount]") == 1 and "_amount_idx" not in text  # the table's index, once
    assert regenerate_and_compare(pg_server, spec, expected) == []


UNSTATABLE = """
create table public.sales (at date not null, region text not null, amount numeric) partition by range (at);
create table public.sales_2026 partition of public.sales for values from ('2026-01-01') to ('2027-01-01');
create table public.sales_2027 partition of public.sales for values from ('2027-01-01') to ('2028-01-01')
  partition by list (region text_pattern_ops);
create table public.sales_2027_eu partition of public.sales_2027 for values in ('eu');
alter table public.sales_2026 add constraint sales_2026_positive check (amount > 0);
create index sales_2026_region_idx on public.sales_2026 (region);
create index sales_amount_idx on public.sales (amount);
create table public.sales_2028 (like public.sales);
create index sales_2028_by_amount on public.sales_2028 (amount);
alter table public.sales attach partition public.sales_2028 for values from ('2028-01-01') to ('2029-01-01');
create table public.by_name (name text not null) partition by list ((lower(name)) collate "C");
create table public.codes (code text) partition by list (code);
create table public.codes_x partition of public.codes for values in (null, 'x');
do $$
declare t text;
begin
  for t in select c.oid::regclass::text from pg_class c where c.relnamespace = 'public'::regnamespace
           and c.relkind in ('r', 'p') loop
    execute format('alter table %s enable row level security', t);
    execute format('revoke all on table %s from anon, authenticated, service_role', t);
  end loop;
end
$$;
"""


def test_what_a_partition_holds_of_its_own_is_listed(pg_server: Server, tmp_path: Path) -> None:
    """A partition's own check and index, its table's index attached under another name than Postgres
    gives it, a NULL bound, a sub-partition keyed with an operator class and a key with a collation
    are listed (exit 4, nothing written); --skip-unsupported writes the rest."""
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "unstatable.sql", UNSTATABLE)
        spec, out = tmp_path / "schema.yaml", tmp_path / "out"
        args = ["pull", "--dsn", db.dsn, "--schema", "public", "--spec", str(spec), "--out", str(out)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 4, result.output
        assert not spec.exists() and not out.exists()
        listed = [line.strip() for line in result.output.splitlines() if line.strip().startswith("- ")]
        assert listed == [
            "- index public.sales_2026.sales_2026_region_idx (on a partition of public.sales: the spec declares "
            "them on the table)",
            "- partition public.codes_x (of public.codes, FOR VALUES IN (NULL, 'x'): a NULL bound value)",
            "- partition public.sales_2026 (its own constraint sales_2026_positive (CHECK ((amount > (0)::numeric))))",
            "- partition public.sales_2027 (of public.sales, itself partitioned: partition key LIST (region "
            "text_pattern_ops): an operator class or collation in the key; left out with its partitions)",
            "- partition public.sales_2028 (index sales_2028_by_amount of its table's, under a name of its own "
            "(Postgres names it sales_2028_amount_idx))",
            "- table public.by_name (partition key LIST (lower(name) COLLATE \"C\"): an operator class or collation "
            "in the key; left out with its partitions)",
        ]
        result = CliRunner().invoke(app, [*args, "--skip-unsupported"])
        assert result.exit_code == 0, result.output
    text = spec.read_text(encoding="utf-8")
    assert "- name: sales_2026\n      values: {from: '2026-01-01', to: '2027-01-01'}\n" in text
    rest = text.split("version: 1")[1]
    assert "sales_2027" not in rest and "by_name" not in rest and "codes_x" not in rest
    assert "- name: codes\n" in rest


def test_drift_sees_partitions_added_and_dropped_by_hand(pg_server: Server, tmp_path: Path) -> None:
    """diff compares through pull: a partition created or dropped on the live database is named."""
    with pg_server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as c:
        prepare(c)
        apply(c, "partitions.sql", HAND_WRITTEN)
        spec, out = pull_into(db.dsn, tmp_path, schemas=["public"])
        assert not diff(db.dsn, spec, out, server=pg_server)
        apply(c, "add.sql", "create table public.scores_mid partition of public.scores for values from (10) to (20);"
                            " alter table public.scores_mid enable row level security;"
                            " revoke all on public.scores_mid from anon, authenticated, service_role;")
        added = diff(db.dsn, spec, out, server=pg_server)
        assert [(o["object"], o["changes"]) for o in added.objects()] == [
            ("table public.scores", ["drop_partition scores_mid"])]
        assert "DROP TABLE public.scores_mid;" in added.migration
        # (a plain DROP TABLE is refused: log_refs' foreign key references the partition through its table)
        apply(c, "drop.sql", "drop table public.scores_mid;"
                             " alter table public.logs detach partition public.logs_y2026m01;"
                             " drop table public.logs_y2026m01;")
        dropped = diff(db.dsn, spec, out, server=pg_server)
        assert [(o["object"], o["changes"]) for o in dropped.objects()] == [
            ("table public.logs", ["add_partition logs_y2026m01"])]
        assert "CREATE TABLE public.logs_y2026m01 PARTITION OF public.logs FOR VALUES FROM ('2026-01-01')" \
            in dropped.migration
