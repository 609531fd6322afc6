"""Typed operations: inert data that know their inverse, template, transactions and locks (habit 4).

In the manner of alembic's ops, each change is an instance of one class. A drop carries the whole
old object so that its inverse can re-create it; an alter carries the object before and after,
and its inverse swaps them. Each class declares:

* :meth:`Op.reverse`: the operation that undoes it (``op.reverse().reverse() == op``);
* :attr:`Op.action`: its template, ``templates/sql/<kind's template_dir>/<action>.sql.j2``, and
  :meth:`Op.parts`: the template parts it renders, each with its transaction mode (:class:`Txn`);
* :meth:`Op.lock`: the lock each part takes and whether it rewrites the table (:class:`Lock`);
  object-level ops ask their kind's registry entry (``KindDef.lock``), table ops know it;
* :attr:`Op.destructive`: what data applying it can lose, from its type and data, never from SQL.

=====================  ===========================================  ==========================
class                  meaning                                      reverse
=====================  ===========================================  ==========================
CreateObject           the whole object                             DropObject
DropObject             the whole object                             CreateObject
AlterObject            object in place: ``old`` → ``obj``           AlterObject ``obj`` → ``old``
RevokePrivileges       first half of an alter: its REVOKEs, before  GrantPrivileges
                       the columns they name are dropped or renamed
GrantPrivileges        second half: its GRANTs, after               RevokePrivileges
RenameObject           ``old``'s name → ``obj``'s name              RenameObject back
AddEnumValues          ``ALTER TYPE … ADD VALUE``                   RecreateEnum
RecreateEnum           the type re-created, columns converted, its  AddEnumValues or
                       ``dependents`` dropped before, made after    RecreateEnum
AddColumn              a column of table ``table``                  DropColumn
BackfillColumn         a column added, existing rows filled         DropColumn
DropColumn             a column and its data                        AddColumn / BackfillColumn
AlterColumn            column ``old_column`` → ``column``           AlterColumn back
RenameColumn           column ``old_column`` → ``column`` (name)    RenameColumn back
AddConstraint          a primary key, unique or check of a table    DropConstraint
DropConstraint         the same                                     AddConstraint
RenameConstraint       ``old_constraint`` → ``constraint`` (name)   RenameConstraint back
CommentConstraint      the comment of a key, check or exclusion     CommentConstraint back
                       constraint (the constraint is kept)
ReplaceCheck           new check added beside the old one, swapped  ReplaceCheck back
AddExclusion           an exclusion constraint of a table           DropExclusion
DropExclusion          the same                                     AddExclusion
AddPartition           a partition of a partitioned table           DropPartition
DropPartition          the same, and its rows                       AddPartition
MovePartitionBounds    partitions detached, attached with new       MovePartitionBounds back
                       bounds (a validated check spares the scan)
=====================  ===========================================  ==========================

``online`` marks an op on an object that already holds data in a live database: indexes are
built ``CONCURRENTLY`` (outside any transaction), constraints added ``NOT VALID`` and validated
in a transaction of their own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Literal

from ..ir.ids import ObjectId
from ..ir.model import (
    CheckConstraint,
    Column,
    EnumIR,
    ExclusionConstraint,
    ForeignKeyIR,
    IndexIR,
    KeyConstraint,
    Obj,
    PartitionIR,
    TableIR,
)
from ..kinds import Kind, kind_def
from ..sqlan.types import base_type as base_type
from ..sqlan.types import column_type, serial_base
from ..sqlan.types import type_narrows as type_narrows  # the type rules live with TypeRef

#: Session settings at the top of a migration that runs on a live database (lock waits fail fast
#: instead of queueing every query behind them; no statement runs unbounded).
ONLINE_SETTINGS = ("lock_timeout = '5s'", "statement_timeout = '1h'")

#: Casts that never lose data (old type → new types it widens to); any other type change is narrowing.
WIDENING: dict[str, set[str]] = {
    "smallint": {"integer", "bigint", "numeric", "real", "double precision"},
    "integer": {"bigint", "numeric", "double precision"},
    "bigint": {"numeric"},
    "real": {"double precision"},
    "varchar": {"text"},
    "character varying": {"text"},
    "char": {"text", "varchar", "character varying"},
    "citext": {"text"},
    "timestamp": {"timestamptz"},
    "json": {"jsonb", "text"},
}

#: The constraints a table declares itself that AddConstraint/DropConstraint make (foreign keys are
#: objects of their own; exclusion constraints have ops of their own: AddExclusion, DropExclusion).
ConstraintType = Literal["primary key", "unique", "check"]
#: Every constraint a table declares itself, by type (what RenameConstraint renames).
TableConstraintType = ConstraintType | Literal["exclude"]
#: The constraint objects a table declares itself.
TableConstraint = KeyConstraint | CheckConstraint | ExclusionConstraint
#: (table, column, default before, default after, is array) of each column of a changed enum
EnumUsers = tuple[tuple[ObjectId, str, str | None, str | None, bool], ...]
#: What names an op's part: a column or a table constraint.
PartObj = Column | KeyConstraint | CheckConstraint | ExclusionConstraint | PartitionIR

AEL = "ACCESS EXCLUSIVE"
SUE = "SHARE UPDATE EXCLUSIVE"
NO_REWRITE = "no rewrite"
REWRITE = "rewrites the table"


class Txn(StrEnum):
    """How a part runs: ``main`` inside the file's transaction; ``own`` in a transaction of its
    own, after the ops before it committed (``VALIDATE CONSTRAINT``); ``none`` outside any
    transaction (``CONCURRENTLY``)."""

    MAIN = "main"
    OWN = "own"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Part:
    """How a part of an op runs: ``action`` (its template) and its transaction mode."""

    action: str
    txn: Txn = Txn.MAIN


@dataclass(frozen=True, slots=True)
class Lock:
    """The lock one part of an op takes, in facts and in the words of the migration comment.

    ``level``: the strongest table lock it takes (``ACCESS EXCLUSIVE``), None for none (or unknown);
    ``rewrites``: it writes every row of a table anew (a rewrite, or an UPDATE of every row).
    """

    level: str | None
    note: str
    rewrites: bool = False


NO_LOCK = Lock(None, f"no table lock; {NO_REWRITE}")


def brief(level: str, on: str) -> Lock:
    """A lock held only for a catalog change: ``LEVEL on X (brief); no rewrite``."""
    return Lock(level, f"{level} on {on} (brief); {NO_REWRITE}")


class Op:
    """One change to one object: the common base of every typed operation.

    Render and the templates see the same interface for every op: ``obj`` (the object whose
    template folder renders it: the table for a column or constraint op), ``old``, ``online``,
    ``part``/``old_part`` (the column or constraint it changes) and ``action`` (the template).
    """

    __slots__ = ()
    #: the template (``<action>.sql.j2``) of its main part; also its word in titles and summaries
    action: ClassVar[str]
    #: its parts commit before the migration's main transaction (Postgres refuses to use an enum
    #: value in the transaction that added it)
    commits_first: ClassVar[bool] = False
    #: an alter split in two around column renames and drops renders only its REVOKEs (``revoke``,
    #: before) or only its GRANTs (``grant``, after); None: the whole alter
    half: ClassVar[Literal["revoke", "grant"] | None] = None

    @property
    def obj(self) -> Obj:
        raise NotImplementedError

    @property
    def old(self) -> Obj | None:
        return None

    @property
    def online(self) -> bool:
        return False

    @property
    def part(self) -> PartObj | None:
        """The column or table constraint this op changes (None for a whole object)."""
        return None

    @property
    def old_part(self) -> PartObj | None:
        return None

    @property
    def kind(self) -> Kind:
        return self.obj.id.kind

    @property
    def dependents(self) -> tuple[Op, ...]:
        """Ops that create what must be dropped before this op and re-created after it."""
        return ()

    def reverse(self) -> Op:
        """The operation that undoes this one."""
        raise NotImplementedError

    def parts(self) -> tuple[Part, ...]:
        """The template parts this op renders, in order, with their transaction modes."""
        return (Part(self.action),)

    def steps(self) -> list[tuple[Op, Part]]:
        """What renders, in order: each part of this op (an op that rebuilds wraps its dependents)."""
        return [(self, p) for p in self.parts()]

    def lock(self, part: Part) -> Lock:
        """The lock ``part`` takes (the kind's rule, ``KindDef.lock``; none when it has no rule)."""
        rule = kind_def(self.kind).lock
        return NO_LOCK if rule is None else rule(self, part)

    @property
    def rewrites(self) -> bool:
        """Whether one of its parts rewrites a table (or every row of it)."""
        return any(self.lock(p).rewrites for p in self.parts())

    @property
    def destructive(self) -> str | None:
        """What data applying this op can lose (None when it cannot lose any)."""
        return None

    @property
    def needs_key(self) -> ObjectId | None:
        """The relation whose unique key this op needs (a foreign key's target)."""
        return None

    @property
    def gives_key(self) -> ObjectId | None:
        """The relation this op gives a new unique key (a foreign key may need it)."""
        return None

    def cache_key(self, action: str) -> tuple[object, ...]:
        """Identity of one rendered part: the op's class, and its fields by identity (objects) or
        value (flags, names). Cached segments keep their op alive, so ids are not reused."""
        cls = type(self)
        names = _FIELD_NAMES.get(cls)
        if names is None:  # every concrete op is a dataclass (the base is not: it has no fields of its own)
            names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        values = (getattr(self, name) for name in names)
        return (cls, action, *(v if isinstance(v, _PLAIN) else id(v) for v in values))

    def __str__(self) -> str:
        what = f"{self.action} {self.obj.id}"
        if self.part is not None:
            what += f" {self.part.name}"
        return what


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # op class → its dataclass field names (cache_key)
_PLAIN = (str, bool, int, type(None))  # fields a cache key holds by value (flags, names); others by id


def _relation(obj: Obj) -> ObjectId | None:
    return getattr(obj, "on", None) or (obj.id.relation() if obj.id.table else None)


# --- whole objects ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateObject(Op):
    """Create ``obj``: on a live relation, a kind built ``concurrently`` runs outside any
    transaction and one ``validated_apart`` is added ``NOT VALID`` then validated in its own."""

    action: ClassVar[str] = "create"
    obj: Obj
    online: bool = False

    def reverse(self) -> DropObject:
        return DropObject(self.obj, self.online)

    def parts(self) -> tuple[Part, ...]:
        facts = kind_def(self.kind)
        if self.online and facts.concurrently:
            return (Part("create", Txn.NONE),)
        if self.online and facts.validated_apart:
            return (Part("create"), Part("validate", Txn.OWN))
        return (Part("create"),)

    @property
    def needs_key(self) -> ObjectId | None:
        return self.obj.target if isinstance(self.obj, ForeignKeyIR) else None

    @property
    def gives_key(self) -> ObjectId | None:
        return self.obj.on if isinstance(self.obj, IndexIR) and self.obj.unique else None


@dataclass(frozen=True, slots=True)
class DropObject(Op):
    """Drop ``obj`` (the whole old object: the reverse re-creates it)."""

    action: ClassVar[str] = "drop"
    obj: Obj
    online: bool = False

    def reverse(self) -> CreateObject:
        return CreateObject(self.obj, self.online)

    def parts(self) -> tuple[Part, ...]:
        if self.online and kind_def(self.kind).concurrently:
            return (Part("drop", Txn.NONE),)
        return (Part("drop"),)

    @property
    def destructive(self) -> str | None:
        if kind_def(self.kind).holds_data:
            return f"{self.kind} {self.obj.id.qualified} and all its data"
        return None


@dataclass(frozen=True, slots=True)
class AlterObject(Op):
    """Change ``old`` into ``obj`` in place (the kind's ``alter.sql.j2`` lays out what changed)."""

    action: ClassVar[str] = "alter"
    obj: Obj
    old: Obj
    online: bool = False

    def reverse(self) -> AlterObject:
        return AlterObject(self.old, self.obj, self.online)


@dataclass(frozen=True, slots=True)
class RevokePrivileges(AlterObject):
    """The REVOKE half of a table's alter: runs before the columns it names are dropped or renamed."""

    half: ClassVar[Literal["revoke", "grant"] | None] = "revoke"

    def reverse(self) -> GrantPrivileges:
        return GrantPrivileges(self.old, self.obj, self.online)


@dataclass(frozen=True, slots=True)
class GrantPrivileges(AlterObject):
    """The GRANT half of a table's alter: runs after the columns it names are added or renamed."""

    half: ClassVar[Literal["revoke", "grant"] | None] = "grant"

    def reverse(self) -> RevokePrivileges:
        return RevokePrivileges(self.old, self.obj, self.online)


@dataclass(frozen=True, slots=True)
class ReplaceView(AlterObject):
    """``CREATE OR REPLACE VIEW``: a view whose output columns keep their names, types and order
    takes its new query and options in place, so what depends on it stays (the view kind's strategy
    chooses it; any other change replaces the view with its dependents)."""

    def reverse(self) -> ReplaceView:
        return ReplaceView(self.old, self.obj, self.online)


@dataclass(frozen=True, slots=True)
class RenameObject(Op):
    """Rename ``old`` to ``obj``'s name; ``relation``: a scoped object's relation, as it is named
    while renames run."""

    action: ClassVar[str] = "rename"
    obj: Obj
    old: Obj
    relation: ObjectId | None = None

    def reverse(self) -> RenameObject:
        return RenameObject(self.old, self.obj, self.relation)


def enum_values_added(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Whether ``new`` is ``old`` with values added only (none removed, none reordered)."""
    return set(old) <= set(new) and [v for v in new if v in old] == list(old)


def enum_additions(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[str, str, str]] | None:
    """(value, BEFORE|AFTER, neighbour) for each value ``new`` adds to ``old``, or None when values
    were removed or reordered (then the type is re-created)."""
    if not enum_values_added(old, new):
        return None
    out: list[tuple[str, str, str]] = []
    placed = list(old)
    for i, v in enumerate(new):
        if v in old:
            continue
        if i > 0:
            out.append((v, "AFTER", new[i - 1]))
        else:
            nxt = next((x for x in new if x in placed), None)
            out.append((v, "", "") if nxt is None else (v, "BEFORE", nxt))
        placed.append(v)
    return out


def alter_enum(obj: EnumIR, old: EnumIR, *, columns: EnumUsers, to_spec: bool, online: bool = False,
               dependents: tuple[Op, ...] = ()) -> AddEnumValues | RecreateEnum:
    """The op changing enum ``old``'s values into ``obj``'s: ``ADD VALUE`` when values are only
    added, else the type re-created (``to_spec``: the op leads to the spec's state, which says
    which default each column gets back)."""
    cls = AddEnumValues if enum_values_added(old.values, obj.values) else RecreateEnum
    return cls(obj, old, columns=columns, to_spec=to_spec, online=online, dependents=dependents)


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumChange(Op):
    action: ClassVar[str] = "alter"
    obj: EnumIR = dataclasses.field(kw_only=False)
    old: EnumIR = dataclasses.field(kw_only=False)
    #: the columns of the type as they are when the change runs (with both defaults)
    columns: EnumUsers
    to_spec: bool
    online: bool = False
    #: create ops of what names the type: dropped before a re-creation and made again after it
    dependents: tuple[Op, ...] = ()

    def reverse(self) -> AddEnumValues | RecreateEnum:
        return alter_enum(self.old, self.obj, columns=self.columns, to_spec=not self.to_spec, online=self.online,
                          dependents=self.dependents)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddEnumValues(EnumChange):
    """``ALTER TYPE … ADD VALUE``: committed on its own on a live database, before the rest (a new
    value cannot be used in the transaction that adds it)."""

    commits_first: ClassVar[bool] = True

    @property
    def additions(self) -> list[tuple[str, str, str]]:
        """(value, BEFORE|AFTER, neighbour) of each ``ADD VALUE``, in order."""
        return enum_additions(self.old.values, self.obj.values) or []

    def parts(self) -> tuple[Part, ...]:
        return (Part("alter", Txn.OWN if self.online else Txn.MAIN),)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecreateEnum(EnumChange):
    """The type renamed away, created anew, its columns converted, the old one dropped; its
    ``dependents`` dropped before and re-created after, in the same transaction."""

    def steps(self) -> list[tuple[Op, Part]]:
        before = [(d.reverse(), p) for d in reversed(self.dependents) for p in d.reverse().parts()]
        after = [(d, p) for d in self.dependents for p in d.parts()]
        return before + [(self, p) for p in self.parts()] + after

    def lock(self, part: Part) -> Lock:
        tables = sorted({t.qualified for t, *_ in self.columns})
        if tables:
            return Lock(AEL, f"{AEL} on {', '.join(tables)}; rewrites them", rewrites=True)
        return NO_LOCK

    @property
    def destructive(self) -> str | None:
        lost = [v for v in self.old.values if v not in self.obj.values]
        if lost:
            return (f"enum values {', '.join(map(repr, lost))} of type {self.obj.id.qualified} "
                    "(rows holding them cannot be converted)")
        return None


# --- parts of a table ------------------------------------------------------------------------------


def _adds_rewrite(c: Column) -> bool:
    default = (c.default or "").lower().replace(" ", "")
    return bool(c.generated or c.identity or serial_base(c.type)  # a serial's default is nextval
                or any(v in default for v in VOLATILE_DEFAULTS))


#: Default expressions whose value differs per row: adding a column with one rewrites the table.
VOLATILE_DEFAULTS = ("random(", "gen_random_uuid(", "uuid_generate_", "clock_timestamp(", "nextval(",
                     "timeofday(")


@dataclass(frozen=True, slots=True)
class _TableOp(Op):
    table: TableIR

    @property
    def obj(self) -> TableIR:
        return self.table

    def lock(self, part: Part) -> Lock:
        return brief(AEL, self.table.id.qualified)


@dataclass(frozen=True, slots=True)
class AddColumn(_TableOp):
    """``ADD COLUMN``; ``readd``: a generated column added back after a retype of what it reads."""

    action: ClassVar[str] = "add_column"
    #: added nullable first, existing rows filled, then made NOT NULL (a :class:`BackfillColumn`)
    nullable_first: ClassVar[bool] = False
    column: Column
    readd: bool = False

    @property
    def part(self) -> Column:
        return self.column

    def reverse(self) -> DropColumn:
        return DropColumn(self.table, self.column, readd=self.readd)

    def lock(self, part: Part) -> Lock:
        name = self.table.id.qualified
        if _adds_rewrite(self.column):
            return Lock(AEL, f"{AEL} on {name}; {REWRITE}", rewrites=True)
        return brief(AEL, name)

    @property
    def destructive(self) -> str | None:
        c = self.column
        if self.readd or c.nullable or c.default is not None or c.identity or c.generated or serial_base(c.type):
            return None
        return (f"column {self.table.id.qualified}.{c.name} is added NOT NULL without a default "
                "(fails on a table with rows)")


@dataclass(frozen=True, slots=True)
class BackfillColumn(_TableOp):
    """A column added to a table with rows: added nullable, filled by one UPDATE; when NOT NULL, a
    NOT VALID check (``not_null_check``) after the UPDATE, validated, then SET NOT NULL (which
    trusts it)."""

    action: ClassVar[str] = "add_column"
    nullable_first: ClassVar[bool] = True
    readd: ClassVar[bool] = False
    column: Column
    not_null_check: str
    online: bool = False

    @property
    def part(self) -> Column:
        return self.column

    def reverse(self) -> DropColumn:
        return DropColumn(self.table, self.column, refill=self.not_null_check, online=self.online)

    def parts(self) -> tuple[Part, ...]:
        txn = Txn.OWN if self.online else Txn.MAIN
        fill = (Part("add_column"), Part("backfill", txn))
        if self.column.nullable:
            return fill
        return fill + (Part("backfill_validate", txn), Part("backfill_not_null", txn))

    def lock(self, part: Part) -> Lock:
        name = self.table.id.qualified
        if part.action == "backfill":
            check = f", then {AEL} (brief: NOT VALID check, no scan)" if not self.column.nullable else ""
            return Lock("ROW EXCLUSIVE" if self.column.nullable else AEL,
                        f"ROW EXCLUSIVE on {name}, and each row while it is updated (reads go on; writes to "
                        f"those rows wait){check}; rewrites every row (one UPDATE: new row versions, dead ones "
                        "for vacuum)", rewrites=True)
        if part.action == "backfill_validate":
            return Lock(SUE, f"{SUE} on {name}; scans the table (reads and writes go on); {NO_REWRITE}")
        if part.action == "backfill_not_null":
            return Lock(AEL, f"{AEL} on {name} (brief: the validated check spares the scan); {NO_REWRITE}")
        return AddColumn(self.table, self.column).lock(part)


@dataclass(frozen=True, slots=True)
class DropColumn(_TableOp):
    """``DROP COLUMN``; carries what its reverse adds back: a re-added generated column
    (``readd``, computed again: no loss) or a backfilled one (``refill``: its check's name)."""

    action: ClassVar[str] = "drop_column"
    column: Column
    readd: bool = False
    refill: str | None = None
    online: bool = False

    @property
    def part(self) -> Column:
        return self.column

    def reverse(self) -> AddColumn | BackfillColumn:
        if self.refill is not None:
            return BackfillColumn(self.table, self.column, self.refill, self.online)
        return AddColumn(self.table, self.column, readd=self.readd)

    @property
    def destructive(self) -> str | None:
        if self.readd:
            return None  # a generated column, computed again from its expression
        return f"column {self.table.id.qualified}.{self.column.name} and its data"


def _normal(t: str) -> str:
    return " ".join(column_type(t).lower().split())  # a serial is its integer type


def not_null(c: Column) -> bool:
    """Whether Postgres holds the column NOT NULL (identity and serial columns always are)."""
    return not c.nullable or c.identity is not None or serial_base(c.type) is not None


@dataclass(frozen=True, slots=True)
class ColumnChanges:
    """What an :class:`AlterColumn` changes, in the order its statements run. A serial column's
    default is its sequence's ``nextval``: turning serial on or off creates or drops that sequence."""

    disown: bool  # the old column's owned_by sequence is let go (OWNED BY NONE) before anything else
    drop_identity: bool
    drop_not_null: bool  # after DROP IDENTITY, which keeps it
    drop_default: bool
    drop_serial: bool  # the serial's sequence, after its default
    type: bool  # the type or the collation (a TYPE … COLLATE change)
    storage: bool  # TYPE resets the storage to the new type's: a declared one is set again
    compression: bool
    serial_type: bool  # serial ↔ bigserial: its sequence's AS follows
    add_serial: bool  # the sequence created, the default set; owned and granted with an identity's
    set_default: bool
    set_not_null: bool  # before ADD IDENTITY, which needs it
    set_identity: bool
    add_identity: bool
    own: bool  # the new owned_by sequence
    sequence_grants: bool
    comment: bool


@dataclass(frozen=True, slots=True)
class AlterColumn(_TableOp):
    """Column ``old_column`` → ``column`` in place: type, collation, default, NOT NULL, identity,
    serial, owned sequence, storage, compression, comment, identity/serial sequence grants
    (:func:`generator.render.alter.column_changes`)."""

    action: ClassVar[str] = "alter_column"
    column: Column
    old_column: Column

    @property
    def part(self) -> Column:
        return self.column

    @property
    def old_part(self) -> Column:
        return self.old_column

    def reverse(self) -> AlterColumn:
        return AlterColumn(self.table, self.old_column, self.column)

    @property
    def changes(self) -> ColumnChanges:
        """What changes (a default is set again after a type change: it was dropped for it)."""
        o, n = self.old_column, self.column
        same_type = _normal(o.type) == _normal(n.type) and o.collation == n.collation
        o_serial, n_serial = serial_base(o.type), serial_base(n.type)
        o_default = o.default if not o_serial else "serial"  # a serial's default is its nextval
        n_default = n.default if not n_serial else "serial"
        same_sequence = (bool(o_serial), o.identity is not None) == (bool(n_serial), n.identity is not None)
        return ColumnChanges(
            disown=o.owned_sequence is not None and o.owned_sequence != n.owned_sequence,
            drop_identity=o.identity is not None and n.identity is None,
            drop_not_null=not_null(o) and not not_null(n),
            # a serial keeps its nextval default through a type change
            drop_default=o_default is not None and (n_default != o_default or not same_type)
            and not (o_serial and n_serial),
            drop_serial=bool(o_serial and not n_serial),
            type=not same_type,
            storage=o.storage != n.storage or (not same_type and n.storage is not None),
            compression=o.compression != n.compression or (not same_type and n.compression is not None),
            serial_type=bool(o_serial and n_serial and o_serial != n_serial),
            add_serial=bool(n_serial and not o_serial),
            set_default=n.default is not None and (n_default != o_default or not same_type),
            set_not_null=not not_null(o) and not_null(n),
            set_identity=None not in (o.identity, n.identity) and o.identity != n.identity,
            add_identity=n.identity is not None and o.identity is None,
            own=n.owned_sequence is not None and o.owned_sequence != n.owned_sequence,
            sequence_grants=same_sequence and (bool(o_serial) or o.identity is not None)
            and o.sequence_grants != n.sequence_grants,
            comment=o.comment != n.comment,
        )

    def lock(self, part: Part) -> Lock:
        from .locks import type_change_rewrites

        name = self.table.id.qualified
        o, n = self.old_column, self.column
        if _normal(o.type) != _normal(n.type) and type_change_rewrites(o.type, n.type):
            return Lock(AEL, f"{AEL} on {name}; {REWRITE} and its indexes", rewrites=True)
        if (o.nullable and o.identity is None) and not (n.nullable and n.identity is None):
            return Lock(AEL, f"{AEL} on {name}; scans the table (SET NOT NULL); {NO_REWRITE}")
        return brief(AEL, name)

    @property
    def destructive(self) -> str | None:
        return column_loss(self.table, self.old_column, self.column)


@dataclass(frozen=True, slots=True)
class RenameColumn(_TableOp):
    """Column ``old_column`` renamed to ``column``'s name (its identity sequence with it)."""

    action: ClassVar[str] = "rename_column"
    column: Column
    old_column: Column

    @property
    def part(self) -> Column:
        return self.column

    @property
    def old_part(self) -> Column:
        return self.old_column

    def reverse(self) -> RenameColumn:
        return RenameColumn(self.table, self.old_column, self.column)


@dataclass(frozen=True, slots=True)
class AddConstraint(_TableOp):
    """A primary key, unique or check of ``table``. Online: a check is added ``NOT VALID`` and
    validated in its own transaction; a key's index is built ``CONCURRENTLY`` first."""

    action: ClassVar[str] = "add_constraint"
    constraint: KeyConstraint | CheckConstraint
    constraint_type: ConstraintType
    online: bool = False

    @property
    def part(self) -> KeyConstraint | CheckConstraint:
        return self.constraint

    def reverse(self) -> DropConstraint:
        return DropConstraint(self.table, self.constraint, self.constraint_type, self.online)

    def parts(self) -> tuple[Part, ...]:
        if self.online and self.constraint_type == "check":
            return (Part("add_constraint"), Part("validate_constraint", Txn.OWN))
        if self.online:  # primary key or unique: build its index first
            return (Part("add_constraint_index", Txn.NONE), Part("add_constraint"))
        return (Part("add_constraint"),)

    def lock(self, part: Part) -> Lock:
        name = self.table.id.qualified
        if part.action == "add_constraint_index":
            return Lock(SUE, f"{SUE} on {name} (CONCURRENTLY: reads and writes go on); {NO_REWRITE}")
        if part.action == "validate_constraint":
            return Lock(SUE, f"{SUE} on {name}; scans the table (reads and writes go on); {NO_REWRITE}")
        if self.constraint_type == "check":
            scan = " (brief: NOT VALID, no scan)" if self.online else "; scans the table"
            return Lock(AEL, f"{AEL} on {name}{scan}; {NO_REWRITE}")
        if self.online:
            return brief(AEL, name)  # attaches an index built before
        return Lock(AEL, f"{AEL} on {name}; builds the index; {NO_REWRITE}")

    @property
    def gives_key(self) -> ObjectId | None:
        return self.table.id if self.constraint_type != "check" else None


@dataclass(frozen=True, slots=True)
class DropConstraint(_TableOp):
    """Drop a primary key, unique or check of ``table``."""

    action: ClassVar[str] = "drop_constraint"
    constraint: KeyConstraint | CheckConstraint
    constraint_type: ConstraintType
    online: bool = False

    @property
    def part(self) -> KeyConstraint | CheckConstraint:
        return self.constraint

    def reverse(self) -> AddConstraint:
        return AddConstraint(self.table, self.constraint, self.constraint_type, self.online)


@dataclass(frozen=True, slots=True)
class RenameConstraint(_TableOp):
    """A constraint whose definition is unchanged but whose (derived) name changed."""

    action: ClassVar[str] = "rename_constraint"
    constraint: TableConstraint
    old_constraint: TableConstraint
    constraint_type: TableConstraintType

    @property
    def part(self) -> TableConstraint:
        return self.constraint

    @property
    def old_part(self) -> TableConstraint:
        return self.old_constraint

    def reverse(self) -> RenameConstraint:
        return RenameConstraint(self.table, self.old_constraint, self.constraint, self.constraint_type)


@dataclass(frozen=True, slots=True)
class CommentConstraint(_TableOp):
    """``COMMENT ON CONSTRAINT``: only the comment of ``old_constraint`` changes (to ``constraint``'s;
    both carry the constraint's current name). The constraint and its index are kept."""

    action: ClassVar[str] = "comment_constraint"
    constraint: TableConstraint
    old_constraint: TableConstraint
    constraint_type: TableConstraintType

    @property
    def part(self) -> TableConstraint:
        return self.constraint

    @property
    def old_part(self) -> TableConstraint:
        return self.old_constraint

    def reverse(self) -> CommentConstraint:
        return CommentConstraint(self.table, self.old_constraint, self.constraint, self.constraint_type)

    def lock(self, part: Part) -> Lock:
        return brief(SUE, self.table.id.qualified)  # COMMENT ON takes SHARE UPDATE EXCLUSIVE


@dataclass(frozen=True, slots=True)
class ReplaceCheck(_TableOp):
    """A changed check: the new one added (``NOT VALID`` online) beside the old one, then
    validated, the old one dropped and the new one given its name: never a moment without one."""

    action: ClassVar[str] = "replace_check"
    check: CheckConstraint
    old_check: CheckConstraint
    online: bool = False

    @property
    def part(self) -> CheckConstraint:
        return self.check

    @property
    def old_part(self) -> CheckConstraint:
        return self.old_check

    def reverse(self) -> ReplaceCheck:
        return ReplaceCheck(self.table, self.old_check, self.check, self.online)

    @property
    def pending_name(self) -> str:
        """The name the new check is added under while the old one still holds: its own name when
        that differs from the old one's, else a temporary name (at most 63 bytes, Postgres's limit)."""
        name = self.check.name
        if name != self.old_check.name:
            return name
        suffix = "__schemagen_new"
        while len((name + suffix).encode()) > 63:
            name = name[:-1]
        return name + suffix

    def parts(self) -> tuple[Part, ...]:
        return (Part("replace_check"), Part("replace_check_swap", Txn.OWN if self.online else Txn.MAIN))

    def lock(self, part: Part) -> Lock:
        name = self.table.id.qualified
        if part.action == "replace_check_swap":
            return Lock(SUE, f"{SUE} on {name} while it validates, then {AEL} (brief); {NO_REWRITE}")
        scan = " (brief: NOT VALID, no scan)" if self.online else "; scans the table"
        return Lock(AEL, f"{AEL} on {name}{scan}; {NO_REWRITE}")


@dataclass(frozen=True, slots=True)
class AddExclusion(_TableOp):
    """An exclusion constraint of ``table``: always built under the table's lock, checking every row,
    in the file's transaction, live table or not (Postgres has no ``NOT VALID`` for ``EXCLUDE`` and
    cannot attach one to an index built ``CONCURRENTLY``). A changed one is dropped and added again
    in that one transaction, so no moment goes without it."""

    action: ClassVar[str] = "add_exclusion_constraint"
    constraint: ExclusionConstraint
    online: bool = False

    @property
    def part(self) -> ExclusionConstraint:
        return self.constraint

    def reverse(self) -> DropExclusion:
        return DropExclusion(self.table, self.constraint, self.online)

    def lock(self, part: Part) -> Lock:
        return Lock(AEL, f"{AEL} on {self.table.id.qualified}; builds the index; {NO_REWRITE}")


@dataclass(frozen=True, slots=True)
class DropExclusion(_TableOp):
    """Drop an exclusion constraint of ``table`` (its index with it)."""

    action: ClassVar[str] = "drop_exclusion_constraint"
    constraint: ExclusionConstraint
    online: bool = False

    @property
    def part(self) -> ExclusionConstraint:
        return self.constraint

    def reverse(self) -> AddExclusion:
        return AddExclusion(self.table, self.constraint, self.online)


def _parent_label(table: TableIR, parent: str | None) -> str:
    """``schema.name`` of a partition's parent: the table, or its partition ``parent``."""
    return f"{table.id.schema}.{parent}" if parent else table.id.qualified


@dataclass(frozen=True, slots=True)
class AddPartition(_TableOp):
    """``CREATE TABLE p PARTITION OF table FOR VALUES …``, its RLS enabled and API privileges revoked
    like the parent's (a partition inherits neither: the parent is the only way in)."""

    action: ClassVar[str] = "add_partition"
    partition: PartitionIR
    #: the partition it is a partition of (a sub-partition), None: of the table
    parent: str | None = None
    #: the tables (qualified) whose foreign keys reference the partitioned table: its drop (this
    #: op's reverse) detaches it first
    referenced_by: tuple[str, ...] = ()

    @property
    def part(self) -> PartitionIR:
        return self.partition

    def reverse(self) -> DropPartition:
        return DropPartition(self.table, self.partition, self.parent, self.referenced_by)

    def lock(self, part: Part) -> Lock:
        name = _parent_label(self.table, self.parent)
        if self.partition.bound == "DEFAULT":
            return brief(AEL, name)
        # a new bounded partition scans the default partition (if any) for rows it would take
        return Lock(AEL, f"{AEL} on {name} (brief; scans a default partition for rows it would hold); "
                         f"{NO_REWRITE}")


@dataclass(frozen=True, slots=True)
class DropPartition(_TableOp):
    """``DROP TABLE`` of a partition: its rows (and its own partitions) go with it.

    When foreign keys reference the partitioned table (``referenced_by``), Postgres refuses to
    drop a partition outright (each such key has a row of its own on every partition: "other
    objects depend on it"): the partition is first detached (``DETACH PARTITION``), which checks
    that no referencing row points to one of its rows and fails otherwise (nothing is lost: the
    migration stops), then dropped."""

    action: ClassVar[str] = "drop_partition"
    partition: PartitionIR
    parent: str | None = None
    #: the tables (qualified) whose foreign keys reference the partitioned table
    referenced_by: tuple[str, ...] = ()

    @property
    def part(self) -> PartitionIR:
        return self.partition

    def reverse(self) -> AddPartition:
        return AddPartition(self.table, self.partition, self.parent, self.referenced_by)

    def lock(self, part: Part) -> Lock:
        name = _parent_label(self.table, self.parent)
        if not self.referenced_by:
            return brief(AEL, name)
        refs = ", ".join(self.referenced_by)
        return Lock(AEL, f"{AEL} on {name} (brief: DETACH, then DROP); SHARE on {refs}, scanned for rows "
                         f"that reference the partition's; {NO_REWRITE}")

    @property
    def destructive(self) -> str | None:
        what = f"partition {self.table.id.schema}.{self.partition.name} of {self.table.id.qualified} and its rows"
        if self.referenced_by:
            what += f" (refused while rows of {', '.join(self.referenced_by)} reference them)"
        return what


@dataclass(frozen=True, slots=True)
class MovePartitionBounds(_TableOp):
    """Partitions of ``table`` given new bounds, their rows kept: ``moves`` is (before, after) of each
    (same name). Postgres cannot change a bound in place; each is detached and attached again with
    its new bound. As the Postgres documentation advises, each partition first gets a CHECK of its
    new bound ``NOT VALID`` (``bound_check_name``), validated, so that the ATTACH need not scan it
    under the parent's lock; the check is dropped once attached. All partitions are detached before
    any is attached, so bounds that move past each other never overlap. Rows outside a new bound
    make the validation fail (nothing is lost: the migration stops). A default partition has no
    check (its bound is "what no other takes"): its ATTACH scans it."""

    action: ClassVar[str] = "move_partition_bounds"
    moves: tuple[tuple[PartitionIR, PartitionIR], ...]
    #: the partition they are partitions of (sub-partitions), None: of the table
    parent: str | None = None
    #: the temporary check's name on each partition (a partition is a table: the name is its own)
    bound_check_name: ClassVar[str] = "schemagen_new_bound"

    def reverse(self) -> MovePartitionBounds:
        return MovePartitionBounds(self.table, tuple((new, old) for old, new in self.moves), self.parent)

    def checks(self) -> list[tuple[PartitionIR, str]]:
        """Each moved partition whose new bound a check can state, with that check's predicate."""
        from ..ir.partitions import bound_check

        return [(new, check) for _old, new in self.moves
                if (check := bound_check(self.table, new, self.parent)) is not None]

    def parts(self) -> tuple[Part, ...]:
        return (Part("move_partition_bounds_check"), Part("move_partition_bounds_validate"),
                Part("move_partition_bounds"))

    def lock(self, part: Part) -> Lock:
        names = ", ".join(f"{self.table.id.schema}.{new.name}" for _o, new in self.moves)
        if part.action == "move_partition_bounds_check":
            return Lock(AEL, f"{AEL} on {names} (brief: NOT VALID, no scan; held to the end of the "
                             f"transaction); {NO_REWRITE}")
        if part.action == "move_partition_bounds_validate":
            return Lock(SUE, f"{SUE} on {names}: scans each (still {AEL} from its check; the parent "
                             f"{_parent_label(self.table, self.parent)} is not locked yet: queries that do not touch "
                             f"them go on); "
                             f"{NO_REWRITE}")
        return Lock(AEL, f"{AEL} on {_parent_label(self.table, self.parent)} (brief: DETACH, then ATTACH trusts each "
                         "validated "
                         "check instead of scanning; a default partition is scanned for rows a new bound "
                         f"would take); {NO_REWRITE}")

    def __str__(self) -> str:
        return f"{self.action} {self.table.id} {', '.join(new.name for _o, new in self.moves)}"


#: Every concrete op class (the tests prove each one's reverse round trip).
OP_CLASSES: tuple[type[Op], ...] = (
    CreateObject, DropObject, AlterObject, RevokePrivileges, GrantPrivileges, ReplaceView, RenameObject,
    AddEnumValues,
    RecreateEnum, AddColumn, BackfillColumn, DropColumn, AlterColumn, RenameColumn, AddConstraint, DropConstraint,
    RenameConstraint, CommentConstraint, ReplaceCheck, AddExclusion, DropExclusion, AddPartition, DropPartition,
    MovePartitionBounds,
)


def column_loss(table: Obj, old: Column, new: Column) -> str | None:
    """Data an in-place column change can lose or refuse: type narrowing, SET NOT NULL."""
    name = f"{table.id.qualified}.{new.name}"
    if type_narrows(old.type, new.type):
        return f"column {name} narrows from {old.type} to {new.type} (values may be cut or rejected)"
    if (old.nullable and old.identity is None) and not (new.nullable and new.identity is None):
        return f"column {name} becomes NOT NULL (fails while rows hold NULL)"
    if old.generated != new.generated and new.generated is not None:
        return f"column {name} is re-computed from a new expression"
    return None


@dataclass(frozen=True, slots=True)
class Plan:
    """An ordered list of operations that takes one model state to another."""

    ops: tuple[Op, ...]

    def inverse(self) -> Plan:
        """The plan that undoes this one: each op reversed, in reverse order."""
        return Plan(tuple(op.reverse() for op in reversed(self.ops)))

    @property
    def transactional(self) -> bool:
        """Whether the whole plan can run in one transaction (no CONCURRENTLY, no separate validation)."""
        return all(p.txn == Txn.MAIN for op in self.ops for _, p in op.steps())

    def destructive(self) -> list[tuple[Op, str]]:
        """Each op that can lose data, with what it loses."""
        return [(op, loss) for op in self.ops if (loss := op.destructive)]

    def __bool__(self) -> bool:
        return bool(self.ops)

    def __add__(self, other: Plan) -> Plan:
        return Plan(self.ops + other.ops)
