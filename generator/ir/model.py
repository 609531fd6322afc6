"""The immutable model: frozen dataclasses, one per object kind.

Equality is generated (habit 3): source positions and prose are ``compare=False`` so moving YAML
around or rewording a description never changes a migration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from ..errors import Pos
from .ids import ObjectId

if TYPE_CHECKING:
    from .sections import Sections

NOWHERE = Pos("<none>", 0, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantIR:
    privileges: tuple[str, ...]
    roles: tuple[str, ...]
    columns: tuple[str, ...] = ()
    grant_option: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Obj:
    """Fields every object has."""

    id: ObjectId
    migration: int
    comment: str | None = None
    description: str | None = field(default=None, compare=False)
    pos: Pos = field(default=NOWHERE, compare=False)
    renamed_from: str | None = field(default=None, compare=False)  # a declared rename (plan only)


@dataclass(frozen=True, slots=True, kw_only=True)
class Privileged(Obj):
    grants: tuple[GrantIR, ...] = ()
    revoke_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: str | None = None
    generated: str | None = None
    comment: str | None = None
    shape: str | None = None
    sequence_grants: tuple[GrantIR, ...] = ()  # identity columns: grants on their sequence
    collation: str | None = None
    storage: str | None = None  # None: the type's default
    compression: str | None = None  # None: the server's default_toast_compression
    #: a sequence of the table's schema this column owns (``ALTER SEQUENCE … OWNED BY``)
    owned_sequence: str | None = None
    pos: Pos = field(default=NOWHERE, compare=False)
    renamed_from: str | None = field(default=None, compare=False)  # a declared rename (plan only)
    #: the value of existing rows when a migration adds the column to an existing table (plan
    #: only: recorded with that migration's history entry, never part of the state)
    backfill: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyConstraint:
    """Primary key or unique constraint, declared inside CREATE TABLE."""

    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    comment: str | None = None  # COMMENT ON CONSTRAINT: changed in place, never by drop and add


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckConstraint:
    name: str
    expression: str
    comment: str | None = None  # COMMENT ON CONSTRAINT: changed in place, never by drop and add
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExclusionElement:
    """One element of an exclusion constraint: a column or an expression, its operator class, and
    the operator two rows may not both satisfy (``room_id WITH =``, ``period WITH &&``)."""

    column: str | None = None
    expression: str | None = None
    opclass: str | None = None
    operator: str = "="


@dataclass(frozen=True, slots=True, kw_only=True)
class ExclusionConstraint:
    """``EXCLUDE USING method (element WITH operator, …) [INCLUDE (…)] [WHERE (…)]``, declared
    inside CREATE TABLE (or added to a table that exists)."""

    name: str
    elements: tuple[ExclusionElement, ...]
    method: str = "gist"
    where: str | None = None
    include: tuple[str, ...] = ()
    deferrable: bool = False
    initially: str = "deferred"
    comment: str | None = None  # COMMENT ON CONSTRAINT: changed in place, never by drop and add
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaIR(Privileged):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtensionIR(Obj):
    schema: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumIR(Privileged):
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceIR(Privileged):
    type: str = "bigint"
    start: int | None = None
    increment: int = 1
    minvalue: int | None = None  # None: NO MINVALUE
    maxvalue: int | None = None  # None: NO MAXVALUE
    cache: int = 1
    cycle: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionIR:
    """One partition of a partitioned table: ``CREATE TABLE name PARTITION OF parent FOR VALUES bound``
    (``bound``: the SQL after ``FOR VALUES``, literals already quoted, or ``DEFAULT``); partitioned in
    turn when it has a ``partition_by``."""

    name: str
    bound: str
    partition_by: str | None = None  # partitioned in turn: the SQL after PARTITION BY
    partitions: tuple[PartitionIR, ...] = ()  # its own partitions (sub-partitions)


@dataclass(frozen=True, slots=True, kw_only=True)
class TableIR(Privileged):
    columns: tuple[Column, ...]
    primary_key: KeyConstraint | None = None
    uniques: tuple[KeyConstraint, ...] = ()
    checks: tuple[CheckConstraint, ...] = ()
    excludes: tuple[ExclusionConstraint, ...] = ()
    rls_enable: bool = False
    rls_force: bool = False
    realtime: bool = False  # in the supabase_realtime publication
    partition_by: str | None = None  # the SQL after PARTITION BY: RANGE (col, ...), LIST (...), HASH (...)
    partitions: tuple[PartitionIR, ...] = ()

    def column(self, name: str) -> Column | None:
        """The column called ``name``, if any."""
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignKeyIR(Obj):
    columns: tuple[str, ...]
    target: ObjectId
    target_columns: tuple[str, ...]
    on_delete: str = "no action"
    on_update: str = "no action"
    deferrable: bool = False
    initially: str = "deferred"
    match: str = "simple"  # or "full"


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexElement:
    column: str | None = None
    expression: str | None = None
    order: str | None = None
    nulls: str | None = None
    opclass: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexIR(Obj):
    on: ObjectId
    elements: tuple[IndexElement, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    nulls_not_distinct: bool = False
    serves: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyIR(Obj):
    on: ObjectId
    command: str = "all"
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    with_check: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Argument:
    name: str | None
    type: str
    default: str | None = None
    mode: str = "in"


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionIR(Privileged):
    arguments: tuple[Argument, ...] = ()
    returns: str | None = None
    returns_table: tuple[tuple[str, str], ...] = ()
    language: str = "sql"
    body: str
    verbatim: bool = False  # body is the exact function source; no newlines around it
    volatility: str = "volatile"
    security_definer: bool = False
    search_path: str | None = "pg_catalog, pg_temp"
    strict: bool = False
    leakproof: bool = False
    parallel: str = "unsafe"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcedureIR(Privileged):
    """``CREATE PROCEDURE``: called with CALL, returns no value (INOUT/OUT arguments give rows back),
    and (without SET options or SECURITY DEFINER) may COMMIT inside its body."""

    arguments: tuple[Argument, ...] = ()
    language: str = "sql"
    body: str
    verbatim: bool = False
    security_definer: bool = False
    search_path: str | None = "pg_catalog, pg_temp"


@dataclass(frozen=True, slots=True, kw_only=True)
class TriggerIR(Obj):
    on: ObjectId
    timing: str
    events: tuple[str, ...]
    update_of: tuple[str, ...] = ()
    for_each: str = "row"
    when: str | None = None
    function: ObjectId
    arguments: tuple[str, ...] = ()
    #: CREATE CONSTRAINT TRIGGER (AFTER … FOR EACH ROW; can be deferred to commit)
    constraint: bool = False
    deferrable: bool = False
    initially: str = "deferred"  # when deferrable
    #: CREATE CONSTRAINT TRIGGER … FROM this table (the table its constraint references)
    from_table: ObjectId | None = None
    #: transition tables: REFERENCING NEW TABLE AS new_table OLD TABLE AS old_table (AFTER triggers)
    new_table: str | None = None
    old_table: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewColumn:
    """A view column's declared type (database.types.ts only; the SQL never uses it)."""

    name: str
    type: str
    nullable: bool = True
    shape: str | None = None
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewIR(Privileged):
    query: str
    columns: tuple[ViewColumn, ...] = field(default=(), compare=False)
    security_invoker: bool = True
    security_barrier: bool = False
    check_option: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MaterializedViewIR(Privileged):
    query: str
    columns: tuple[ViewColumn, ...] = field(default=(), compare=False)
    with_data: bool = True
    refresh: str = "concurrently"


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationInfo:
    number: int
    name: str
    rollback_name: str
    description: str | None = field(default=None, compare=False)
    pos: Pos = field(default=NOWHERE, compare=False)

    @property
    def tag(self) -> str:
        """Zero-padded number, as used in file names: ``003``."""
        return f"{self.number:03d}"


@dataclass(frozen=True, slots=True)
class Model:
    """A whole database state: objects by identity, their dependencies and creation order; built
    from a spec, also everything else the spec declares (``sections``)."""

    objects: Mapping[ObjectId, Obj]
    deps: Mapping[ObjectId, frozenset[ObjectId]]
    order: tuple[ObjectId, ...]
    migrations: tuple[MigrationInfo, ...] = ()
    project: str = "schema"
    description: str | None = None
    types: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    #: the spec's fixtures, policy tests, lint configuration, roles and view columns, checked by
    #: build (:mod:`generator.ir.sections`); None for a database state (history, pull)
    sections: Sections | None = field(default=None, compare=False, repr=False)
    _index: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def _by_kind(self) -> dict[str, list[Obj]]:
        """Objects grouped by kind, in creation order (built once: lint asks for them per object)."""
        groups = cast("dict[str, list[Obj]] | None", self._index.get("kinds"))  # the cache below fills it
        if groups is None:
            groups = {}
            for i in self.order:
                groups.setdefault(i.kind, []).append(self.objects[i])
            self._index["kinds"] = groups
        return groups

    def of_kind(self, *kinds: str) -> list[Obj]:
        """Objects of the given kinds, in creation order."""
        groups = self._by_kind()
        if len(kinds) == 1:
            return list(groups.get(kinds[0], ()))
        return [self.objects[i] for i in self.order if i.kind in kinds]

    def until(self, number: int) -> Model:
        """The state after migration ``number``: objects created by it or earlier."""
        keep = {i for i, o in self.objects.items() if o.migration <= number}
        return Model(
            MappingProxyType({i: self.objects[i] for i in self.order if i in keep}),
            MappingProxyType({i: self.deps[i] for i in keep}),
            tuple(i for i in self.order if i in keep),
            self.migrations,
            self.project,
            self.description,
            self.types,
        )

    def children(self, rel: ObjectId, kind: str) -> list[Obj]:
        """Indexes, policies, triggers or foreign keys that hang off relation ``rel``."""
        index = cast("dict[tuple[str, ObjectId], list[Obj]] | None", self._index.get("children"))  # filled below
        if index is None:
            index = {}
            for i in self.order:
                o = self.objects[i]
                owner = getattr(o, "on", None) or (i.relation() if i.table is not None else None)
                if owner is not None:
                    index.setdefault((i.kind, owner), []).append(o)
            self._index["children"] = index
        return list(index.get((kind, rel), ()))


EMPTY = Model(MappingProxyType({}), MappingProxyType({}), ())
