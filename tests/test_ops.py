"""Typed operations: every class reverses back to itself, and declares its parts, transactions,
locks, rewrites and data loss (generator/plan/ops.py; object-level locks from the kind registry)."""

from __future__ import annotations

import dataclasses

import pytest

from generator.ir.ids import ObjectId
from generator.ir.model import (
    CheckConstraint,
    Column,
    EnumIR,
    ExclusionConstraint,
    ExclusionElement,
    ForeignKeyIR,
    IndexElement,
    IndexIR,
    KeyConstraint,
    PartitionIR,
    PolicyIR,
    TableIR,
    ViewIR,
)
from generator.ir.raw import RawIR, raw_id
from generator.kinds import Kind, kinds_where
from generator.plan.ops import (
    AEL,
    OP_CLASSES,
    SUE,
    AddColumn,
    AddConstraint,
    AddEnumValues,
    AddExclusion,
    AddPartition,
    AlterColumn,
    AlterObject,
    BackfillColumn,
    CommentConstraint,
    CreateObject,
    DropColumn,
    DropConstraint,
    DropExclusion,
    DropObject,
    DropPartition,
    GrantPrivileges,
    MovePartitionBounds,
    Op,
    Part,
    Plan,
    RecreateEnum,
    RenameColumn,
    RenameConstraint,
    RenameObject,
    ReplaceCheck,
    ReplaceView,
    RevokePrivileges,
    Txn,
    alter_enum,
)

T = ObjectId(Kind.TABLE, "public", "t")
A = Column(name="a", type="integer")
B = Column(name="b", type="varchar(20)")
TABLE = TableIR(id=T, migration=1, columns=(A, B))
RENAMED = dataclasses.replace(TABLE, id=ObjectId(Kind.TABLE, "public", "u"))
CHECK = CheckConstraint(name="t_a_check", expression="a > 0")
WIDER = CheckConstraint(name="t_a_check", expression="a >= 0")
KEY = KeyConstraint(name="t_pkey", columns=("a",))
INDEX = IndexIR(id=ObjectId(Kind.INDEX, "public", "t_b_idx"), migration=1, on=T, elements=(IndexElement(column="b"),))
UNIQUE = dataclasses.replace(INDEX, unique=True)
POLICY = PolicyIR(id=ObjectId(Kind.POLICY, "public", "p", table="t"), migration=1, on=T, using="a > 0")
VIEW = ViewIR(id=ObjectId(Kind.VIEW, "public", "v"), migration=1, query="select a from public.t")
FK = ForeignKeyIR(id=ObjectId(Kind.CONSTRAINT, "public", "t_a_fkey", table="t"), migration=1, columns=("a",),
                  target=ObjectId(Kind.TABLE, "public", "o"), target_columns=("id",))
E = ObjectId(Kind.TYPE, "public", "status")
ENUM = EnumIR(id=E, migration=1, values=("a", "b"))
MORE = dataclasses.replace(ENUM, values=("a", "b", "c"))
USERS = ((T, "s", "'a'::public.status", "'b'::public.status", False),)
EXCLUDE = ExclusionConstraint(name="t_a_excl", method="gist", elements=(ExclusionElement(column="a", operator="="),))
PARTITION = PartitionIR(name="t_a1", bound="IN (1)")
PARTED = dataclasses.replace(TABLE, partition_by="LIST (a)", partitions=(PARTITION,))
RAW = RawIR(id=raw_id("fill"), migration=1, up="select 1", down="select 2")

#: one example of each op class (and of its variants that reverse differently)
EXAMPLES: list[Op] = [
    CreateObject(TABLE), CreateObject(INDEX, online=True), DropObject(TABLE), DropObject(INDEX, online=True),
    AlterObject(RENAMED, TABLE), RevokePrivileges(RENAMED, TABLE), GrantPrivileges(RENAMED, TABLE),
    ReplaceView(dataclasses.replace(VIEW, query="select a from public.t where a > 0"), VIEW),
    RenameObject(RENAMED, TABLE), RenameObject(POLICY, dataclasses.replace(POLICY, id=POLICY.id), relation=T),
    alter_enum(MORE, ENUM, columns=USERS, to_spec=True, online=True, dependents=(CreateObject(VIEW),)),
    alter_enum(ENUM, MORE, columns=USERS, to_spec=False, dependents=(CreateObject(VIEW),)),
    AddColumn(TABLE, Column(name="c", type="text")), AddColumn(TABLE, Column(name="g", type="int", generated="a"),
                                                               readd=True),
    BackfillColumn(TABLE, Column(name="c", type="text", nullable=False, backfill="'x'"), "t_c_filled", online=True),
    DropColumn(TABLE, B), DropColumn(TABLE, B, readd=True), DropColumn(TABLE, B, refill="t_b_filled"),
    AlterColumn(TABLE, dataclasses.replace(A, type="bigint"), A),
    RenameColumn(TABLE, dataclasses.replace(A, name="z"), A),
    AddConstraint(TABLE, CHECK, "check", online=True), AddConstraint(TABLE, KEY, "primary key"),
    DropConstraint(TABLE, KEY, "primary key"), RenameConstraint(TABLE, dataclasses.replace(KEY, name="k"), KEY,
                                                                "primary key"),
    ReplaceCheck(TABLE, WIDER, CHECK, online=True),
    AddExclusion(TABLE, EXCLUDE, online=True), DropExclusion(TABLE, EXCLUDE),
    RenameConstraint(TABLE, dataclasses.replace(EXCLUDE, name="x"), EXCLUDE, "exclude"),
    CommentConstraint(TABLE, dataclasses.replace(KEY, comment="k"), KEY, "primary key"),
    AddPartition(PARTED, PARTITION), DropPartition(PARTED, PARTITION),
    MovePartitionBounds(PARTED, ((PARTITION, dataclasses.replace(PARTITION, bound="IN (1, 2)")),)),
    AddPartition(PARTED, PARTITION, "t_a"), DropPartition(PARTED, PARTITION, "t_a"),  # sub-partitions
    MovePartitionBounds(PARTED, ((PARTITION, dataclasses.replace(PARTITION, bound="IN (1, 2)")),), "t_a"),
]

REVERSES = {
    CreateObject: DropObject, DropObject: CreateObject, AlterObject: AlterObject, ReplaceView: ReplaceView,
    RevokePrivileges: GrantPrivileges, GrantPrivileges: RevokePrivileges, RenameObject: RenameObject,
    AddEnumValues: RecreateEnum, RecreateEnum: AddEnumValues, AddColumn: DropColumn, BackfillColumn: DropColumn,
    AlterColumn: AlterColumn, RenameColumn: RenameColumn, AddConstraint: DropConstraint,
    DropConstraint: AddConstraint, RenameConstraint: RenameConstraint, ReplaceCheck: ReplaceCheck,
    CommentConstraint: CommentConstraint,
    AddExclusion: DropExclusion, DropExclusion: AddExclusion, AddPartition: DropPartition,
    DropPartition: AddPartition, MovePartitionBounds: MovePartitionBounds,
}


def test_examples_cover_every_op_class() -> None:
    assert {type(op) for op in EXAMPLES} == set(OP_CLASSES)


@pytest.mark.parametrize("op", EXAMPLES, ids=lambda op: f"{type(op).__name__}")
def test_reverse_of_reverse_is_the_op(op: Op) -> None:
    back = op.reverse()
    assert back.reverse() == op
    if type(op) is not DropColumn:  # a dropped column comes back as it was added
        assert type(back) is REVERSES[type(op)]
    assert back.action and back.parts()  # every op names its template and renders something


def test_dropped_column_comes_back_as_it_was_added() -> None:
    assert type(DropColumn(TABLE, B).reverse()) is AddColumn
    assert DropColumn(TABLE, B, readd=True).reverse() == AddColumn(TABLE, B, readd=True)
    assert type(DropColumn(TABLE, B, refill="t_b_filled").reverse()) is BackfillColumn


def test_plan_inverse_reverses_each_op_in_reverse_order() -> None:
    plan = Plan(tuple(EXAMPLES))
    back = plan.inverse()
    assert back.ops == tuple(op.reverse() for op in reversed(EXAMPLES))
    assert back.inverse() == plan


def test_enum_change_picks_add_value_or_recreate_by_values() -> None:
    add = alter_enum(MORE, ENUM, columns=USERS, to_spec=True, online=True)
    assert isinstance(add, AddEnumValues) and add.commits_first
    assert add.parts() == (Part("alter", Txn.OWN),)  # a new value is usable once committed
    assert add.destructive is None and add.lock(add.parts()[0]).level is None
    drop = add.reverse()
    assert isinstance(drop, RecreateEnum) and not drop.to_spec
    assert drop.destructive is not None and "'c'" in drop.destructive
    lock = drop.lock(drop.parts()[0])
    assert lock.level == AEL and lock.rewrites and "public.t" in lock.note
    # a rebuild drops what names the type first and re-creates it after, in one transaction
    rebuilt = RecreateEnum(ENUM, MORE, columns=USERS, to_spec=True, dependents=(CreateObject(VIEW),))
    assert [(type(o).__name__, p.action) for o, p in rebuilt.steps()] == [
        ("DropObject", "drop"), ("RecreateEnum", "alter"), ("CreateObject", "create")]


def test_parts_and_transactions() -> None:
    assert CreateObject(INDEX, online=True).parts() == (Part("create", Txn.NONE),)
    assert CreateObject(INDEX).parts() == (Part("create"),)
    assert DropObject(INDEX, online=True).parts() == (Part("drop", Txn.NONE),)
    assert CreateObject(FK, online=True).parts() == (Part("create"), Part("validate", Txn.OWN))
    assert DropObject(FK, online=True).parts() == (Part("drop"),)
    assert AddConstraint(TABLE, CHECK, "check", online=True).parts() == (
        Part("add_constraint"), Part("validate_constraint", Txn.OWN))
    assert AddConstraint(TABLE, KEY, "primary key", online=True).parts() == (
        Part("add_constraint_index", Txn.NONE), Part("add_constraint"))
    assert ReplaceCheck(TABLE, WIDER, CHECK).parts() == (Part("replace_check"), Part("replace_check_swap"))
    filled = BackfillColumn(TABLE, Column(name="c", type="text", nullable=False), "t_c_filled", online=True)
    assert [p.action for p in filled.parts()] == ["add_column", "backfill", "backfill_validate", "backfill_not_null"]
    assert [p.txn for p in filled.parts()] == [Txn.MAIN, Txn.OWN, Txn.OWN, Txn.OWN]
    # no NOT VALID and no USING INDEX for EXCLUDE: built under the table's lock in the file's transaction
    assert AddExclusion(TABLE, EXCLUDE, online=True).parts() == (Part("add_exclusion_constraint"),)
    assert DropExclusion(TABLE, EXCLUDE, online=True).parts() == (Part("drop_exclusion_constraint"),)
    assert Plan((AddExclusion(TABLE, EXCLUDE, online=True),)).transactional
    assert not Plan((CreateObject(INDEX, online=True),)).transactional
    assert Plan((CreateObject(INDEX), AddColumn(TABLE, Column(name="c", type="text")))).transactional


def test_keys_given_and_needed() -> None:
    assert CreateObject(UNIQUE).gives_key == T and CreateObject(INDEX).gives_key is None
    assert AddConstraint(TABLE, KEY, "primary key").gives_key == T
    assert AddConstraint(TABLE, CHECK, "check").gives_key is None
    assert CreateObject(FK).needs_key == FK.target and CreateObject(INDEX).needs_key is None


def _lock(op: Op, action: str | None = None) -> tuple[str | None, bool]:
    part = next(p for p in op.parts() if action is None or p.action == action)
    lock = op.lock(part)
    return lock.level, lock.rewrites


def test_lock_and_rewrite_facts_of_table_ops() -> None:
    assert _lock(AddColumn(TABLE, Column(name="c", type="text"))) == (AEL, False)
    assert _lock(AddColumn(TABLE, Column(name="c", type="uuid", default="gen_random_uuid()"))) == (AEL, True)
    assert _lock(AddColumn(TABLE, Column(name="c", type="int", generated="a * 2"))) == (AEL, True)
    assert _lock(AlterColumn(TABLE, dataclasses.replace(B, type="text"), B)) == (AEL, False)
    assert _lock(AlterColumn(TABLE, dataclasses.replace(A, type="bigint"), A)) == (AEL, True)
    assert AlterColumn(TABLE, dataclasses.replace(A, type="bigint"), A).rewrites
    assert _lock(AddConstraint(TABLE, CHECK, "check", online=True), "validate_constraint") == (SUE, False)
    assert _lock(AddConstraint(TABLE, KEY, "unique", online=True), "add_constraint_index") == (SUE, False)
    filled = BackfillColumn(TABLE, Column(name="c", type="text", nullable=False), "t_c_filled")
    assert _lock(filled, "backfill")[1] and not _lock(filled, "backfill_validate")[1]
    assert _lock(ReplaceCheck(TABLE, WIDER, CHECK, online=True), "replace_check_swap") == (SUE, False)
    assert _lock(DropColumn(TABLE, B)) == (AEL, False)
    # a serial column: adding one fills each row from nextval; serial on or off retypes nothing
    assert _lock(AddColumn(TABLE, Column(name="c", type="serial", nullable=False))) == (AEL, True)
    assert _lock(AlterColumn(TABLE, dataclasses.replace(A, type="serial", nullable=False),
                             dataclasses.replace(A, nullable=False))) == (AEL, False)
    assert _lock(AlterColumn(TABLE, dataclasses.replace(A, type="bigserial", nullable=False),
                             dataclasses.replace(A, type="serial", nullable=False))) == (AEL, True)
    added = AddExclusion(TABLE, EXCLUDE, online=True)
    assert _lock(added) == (AEL, False) and "builds the index" in added.lock(added.parts()[0]).note
    assert _lock(DropExclusion(TABLE, EXCLUDE)) == (AEL, False)
    # a comment-only change: COMMENT ON CONSTRAINT, the constraint kept
    commented = CommentConstraint(TABLE, dataclasses.replace(EXCLUDE, comment="c"), EXCLUDE, "exclude")
    assert _lock(commented) == (SUE, False)
    assert added.destructive is None and added.reverse().destructive is None and added.gives_key is None


def test_lock_facts_of_object_ops_come_from_the_kind() -> None:
    assert _lock(CreateObject(INDEX, online=True)) == (SUE, False)
    assert _lock(CreateObject(INDEX)) == ("SHARE", False)
    assert _lock(DropObject(INDEX)) == (AEL, False)
    assert _lock(CreateObject(FK, online=True), "validate") == (SUE, False)
    assert _lock(CreateObject(FK)) == ("SHARE ROW EXCLUSIVE", False)
    assert _lock(CreateObject(POLICY)) == (AEL, False)
    assert _lock(DropObject(TABLE)) == (AEL, False)
    assert _lock(AlterObject(RENAMED, TABLE)) == (None, False)  # privileges and comments only
    assert _lock(CreateObject(ENUM)) == (None, False)
    raw = CreateObject(RAW)
    assert raw.lock(raw.parts()[0]).level is None and "unknown" in raw.lock(raw.parts()[0]).note


def test_destroys_data() -> None:
    assert DropObject(TABLE).destructive == "table public.t and all its data"
    assert DropObject(INDEX).destructive is None and DropObject(VIEW).destructive is None
    assert DropColumn(TABLE, B).destructive is not None
    assert DropColumn(TABLE, B, readd=True).destructive is None  # computed again
    assert AlterColumn(TABLE, dataclasses.replace(B, type="varchar(10)"), B).destructive is not None
    assert AlterColumn(TABLE, dataclasses.replace(B, type="text"), B).destructive is None
    assert AddColumn(TABLE, Column(name="c", type="text", nullable=False)).destructive is not None
    assert BackfillColumn(TABLE, Column(name="c", type="text", nullable=False), "t_c_filled").destructive is None
    assert AddColumn(TABLE, Column(name="c", type="bigserial", nullable=False)).destructive is None  # nextval fills it
    serial = dataclasses.replace(A, type="serial", nullable=False)
    assert AlterColumn(TABLE, dataclasses.replace(A, type="bigserial", nullable=False), serial).destructive is None
    assert AlterColumn(TABLE, serial, dataclasses.replace(A, type="bigserial", nullable=False)).destructive


def test_kind_facts_the_ops_use() -> None:
    assert kinds_where(concurrently=True) == (Kind.INDEX,)
    assert kinds_where(validated_apart=True) == (Kind.CONSTRAINT,)
    assert set(kinds_where(derived_name=True)) == {Kind.INDEX, Kind.CONSTRAINT}
    assert set(kinds_where(holds_data=True)) == {Kind.TABLE, Kind.SEQUENCE}


def test_ops_say_what_they_change() -> None:
    retype = AlterColumn(TABLE, dataclasses.replace(A, type="bigint", default="0", nullable=False),
                         dataclasses.replace(A, default="0"))
    x = retype.changes
    assert x.type and x.drop_default and x.set_default and x.set_not_null  # a default is set again after TYPE
    assert not (x.drop_not_null or x.add_identity or x.comment)
    assert retype.reverse().changes.drop_not_null
    add = alter_enum(dataclasses.replace(ENUM, values=("z", "a", "m", "b")), ENUM, columns=(), to_spec=True)
    assert isinstance(add, AddEnumValues)
    assert add.additions == [("z", "BEFORE", "a"), ("m", "AFTER", "a")]
    same = ReplaceCheck(TABLE, WIDER, CHECK)
    assert same.pending_name == "t_a_check__schemagen_new"
    assert ReplaceCheck(TABLE, dataclasses.replace(WIDER, name="t_a_min"), CHECK).pending_name == "t_a_min"
    on = AlterColumn(TABLE, dataclasses.replace(A, type="serial", nullable=False), A).changes
    assert on.add_serial and on.set_not_null and not (on.type or on.drop_default or on.drop_serial)
    off = AlterColumn(TABLE, A, dataclasses.replace(A, type="serial", nullable=False)).changes
    assert off.drop_serial and off.drop_default and off.drop_not_null and not (off.type or off.add_serial)
    wider = AlterColumn(TABLE, dataclasses.replace(A, type="bigserial", nullable=False),
                        dataclasses.replace(A, type="serial", nullable=False)).changes
    assert wider.type and wider.serial_type and not (wider.drop_default or wider.drop_serial or wider.add_serial)
    owned = AlterColumn(TABLE, dataclasses.replace(A, owned_sequence="s2"), dataclasses.replace(A, owned_sequence="s1"))
    assert owned.changes.disown and owned.changes.own
    stored = AlterColumn(TABLE, dataclasses.replace(B, type="text", storage="external"), dataclasses.replace(B,
                         storage="external")).changes
    assert stored.type and stored.storage and not stored.compression  # TYPE resets the storage: set again
    long = CheckConstraint(name="c" * 63, expression="a > 0")
    assert len(ReplaceCheck(TABLE, long, long).pending_name.encode()) == 63


def test_moved_bounds_check_validate_then_attach_in_the_files_transaction() -> None:
    moved = MovePartitionBounds(PARTED, ((PARTITION, dataclasses.replace(PARTITION, bound="IN (1, 2)")),))
    assert [p.action for p in moved.parts()] == ["move_partition_bounds_check", "move_partition_bounds_validate",
                                                 "move_partition_bounds"]
    assert Plan((moved,)).transactional  # detached and attached in one transaction: no moment without it
    assert _lock(moved, "move_partition_bounds_check") == (AEL, False)
    assert _lock(moved, "move_partition_bounds_validate") == (SUE, False)
    attach = moved.lock(moved.parts()[2])
    assert attach.level == AEL and "instead of scanning" in attach.note
    assert moved.destructive is None and moved.reverse().moves == ((moved.moves[0][1], PARTITION),)
    assert moved.checks() == [(moved.moves[0][1], "a IS NOT NULL AND a IN (1, 2)")]


def test_a_sub_partition_op_locks_its_parent_partition() -> None:
    sub = AddPartition(PARTED, PARTITION, "t_sub")
    assert sub.reverse() == DropPartition(PARTED, PARTITION, "t_sub")
    assert "on public.t_sub " in sub.lock(sub.parts()[0]).note
    assert "on public.t_sub " in sub.reverse().lock(sub.parts()[0]).note
