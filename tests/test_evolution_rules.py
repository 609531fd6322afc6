"""Unit tests of the evolution rules: column use, renames Postgres follows, view output columns,
transaction scheduling, lock notes and comment escaping."""

from __future__ import annotations

from generator.ir.ids import ObjectId
from generator.ir.model import CheckConstraint, Column, IndexElement, IndexIR, PolicyIR, TableIR
from generator.ir.sql import column_use, same_after_renames
from generator.plan.locks import lock_note, type_change_rewrites
from generator.plan.ops import AddColumn, AddConstraint, AlterColumn, CreateObject, DropObject, Part
from generator.plan.order import schedule, windows
from generator.plan.strategy import select_list
from generator.quoting import comment_text as sql_comment

T = ObjectId("table", "public", "t")
TABLE = TableIR(id=T, migration=1, columns=(Column(name="a", type="integer"), Column(name="b", type="text")))


def test_column_use_sees_every_depth_and_star() -> None:
    assert column_use("a > 0 and exists (select 1 from x where x.b = c)").names == {"a", "b", "c"}
    assert column_use("select t.* from public.t", statement=True).star
    assert not column_use("a > 0").touches({"b"})
    assert column_use("not valid sql (((").star  # unparseable: assume everything


def test_same_after_renames_follows_column_renames_only() -> None:
    renames = (("title", "headline"),)
    assert same_after_renames("lower(title)", "lower(headline)", renames)
    assert same_after_renames("select id, title from public.t", "select id, headline as title from public.t",
                              renames, statement=True)
    assert not same_after_renames("title <> ''", "headline <> 'x'", renames)
    assert not same_after_renames("select id, title from public.t", "select id, headline from public.t",
                                  renames, statement=True)  # the view's column name changes


def test_select_list_ignores_aliases_and_qualifiers_of_one_relation() -> None:
    assert select_list("select id, title from public.items where not archived") == \
        select_list("select i.id, i.title from public.items i where i.archived is false")
    plain = select_list("select id, title from public.items")
    assert plain != select_list("select id, label as title from public.items")
    assert select_list("select id from public.items") != select_list("select id from public.other")
    assert select_list("select * from public.items") is None


def test_schedule_keeps_everything_transactional_in_one_transaction() -> None:
    index = IndexIR(id=ObjectId("index", "public", "t_b_idx"), migration=1, on=T, elements=(IndexElement(column="b"),))
    policy = PolicyIR(id=ObjectId("policy", "public", "p", table="t"), migration=1, on=T, using="a > 0")
    check = CheckConstraint(name="t_a_check", expression="a > 0")
    ops = (DropObject(policy), CreateObject(index, online=True),
           AddConstraint(TABLE, check, "check", online=True),
           AlterColumn(TABLE, Column(name="a", type="bigint"), TABLE.columns[0]),
           CreateObject(policy), DropObject(index, online=True))
    steps = schedule(ops)
    modes = [p.txn for _, p in steps]
    assert modes == ["none", "main", "main", "main", "main", "none", "own"]
    main = [op.action for op, p in steps if p.txn == "main"]
    assert main == ["drop", "add_constraint", "alter_column", "create"]  # the policy comes back in it


def test_replaced_unique_index_is_named_as_a_window() -> None:
    ix = IndexIR(id=ObjectId("index", "public", "u"), migration=1, on=T, elements=(IndexElement(column="b"),),
                 unique=True)
    assert windows((DropObject(ix, online=True), CreateObject(ix, online=True)))
    assert not windows((CreateObject(ix, online=True),))


def test_lock_notes_say_whether_a_step_rewrites() -> None:
    widen = AlterColumn(TABLE, Column(name="b", type="text"), Column(name="b", type="varchar(20)"))
    retype = AlterColumn(TABLE, Column(name="a", type="bigint"), TABLE.columns[0])
    assert lock_note(widen, Part("alter_column")) == "ACCESS EXCLUSIVE on public.t (brief); no rewrite"
    assert lock_note(retype, Part("alter_column")).endswith("rewrites the table and its indexes")
    assert not type_change_rewrites("numeric(10,2)", "numeric(12,2)")
    assert type_change_rewrites("numeric(10,2)", "numeric(12,3)")
    assert not type_change_rewrites("varchar(20)", "varchar(40)")
    assert type_change_rewrites("varchar(40)", "varchar(20)")
    gen = AddColumn(TABLE, Column(name="g", type="numeric", generated="a * 2"))
    assert "rewrites the table" in lock_note(gen, Part("add_column"))


def test_sql_comment_cannot_end_the_comment() -> None:
    assert sql_comment("plain text") == "plain text"
    assert "\n" not in sql_comment("a\nDROP TABLE x;")
    assert "*/" not in sql_comment("x */ y")
