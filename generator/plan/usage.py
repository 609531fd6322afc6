"""Which objects really use a column: column-granular dependencies, read from the SQL with pglast.

The model's dependency graph is per object (a policy depends on its table). A change to one
column must re-create only what names that column: a view that reads it, a policy or trigger
condition that mentions it, an index or check over it, a generated column computed from it. The
answer is by name and conservative (a ``*`` or unparseable text uses every column): re-creating
too much costs time, re-creating too little fails.
"""

from __future__ import annotations

from ..ir.ids import ObjectId
from ..ir.model import (
    CheckConstraint,
    Column,
    EnumIR,
    ForeignKeyIR,
    FunctionIR,
    IndexIR,
    MaterializedViewIR,
    Model,
    Obj,
    PolicyIR,
    TableIR,
    TriggerIR,
    ViewIR,
)
from ..ir.sql import column_use
from ..kinds import Kind, kinds_where
from ..sqlan.types import type_ref


def retype_blockers() -> tuple[Kind, ...]:
    """Kinds Postgres refuses to keep across ``ALTER COLUMN … TYPE`` of a column they name: what
    it records dependencies of, but indexes (and checks) it rebuilds by itself."""
    return kinds_where(tracked=True, rebuilt_with_table=False)


def uses_columns(obj: Obj, rel: ObjectId, cols: set[str], *, indexes: bool = True) -> bool:
    """Whether ``obj`` may name one of columns ``cols`` of relation ``rel``."""
    if not cols:
        return False
    on = getattr(obj, "on", None)
    if isinstance(obj, PolicyIR):
        return column_use(obj.using).touches(cols) or column_use(obj.with_check).touches(cols)
    if isinstance(obj, TriggerIR):
        return on == rel and (bool(set(obj.update_of) & cols) or column_use(obj.when).touches(cols))
    if isinstance(obj, IndexIR):
        if not indexes or on != rel:
            return False
        return any(e.column in cols or column_use(e.expression).touches(cols) for e in obj.elements) or \
            column_use(obj.where).touches(cols) or bool(set(obj.include) & cols)
    if isinstance(obj, (ViewIR, MaterializedViewIR)):
        return column_use(obj.query, statement=True).touches(cols)
    if isinstance(obj, ForeignKeyIR):
        own = obj.id.relation() == rel and bool(set(obj.columns) & cols)
        return own or (obj.target == rel and bool(set(obj.target_columns) & cols))
    if isinstance(obj, FunctionIR):
        return column_use(obj.body, statement=True).touches(cols)
    return False


def users_of_columns(model: Model, table: ObjectId, cols: set[str], kinds: tuple[Kind, ...], *,
                     indexes: bool = True) -> set[ObjectId]:
    """Objects of ``kinds`` that depend on ``table`` and name one of its columns ``cols``."""
    out = set()
    for oid, needs in model.deps.items():
        if oid.kind in kinds and table in needs and uses_columns(model.objects[oid], table, cols, indexes=indexes):
            out.add(oid)
    return out


def checks_using(table: TableIR, cols: set[str]) -> list[CheckConstraint]:
    """The checks of ``table`` that name one of ``cols``."""
    return [k for k in table.checks if column_use(k.expression).touches(cols)]


def generated_using(table: TableIR, cols: set[str]) -> list[Column]:
    """The generated columns of ``table`` computed from one of ``cols``."""
    return [c for c in table.columns if c.generated and c.name not in cols and column_use(c.generated).touches(cols)]


def signature_uses(fn: FunctionIR, type_id: ObjectId) -> bool:
    """Whether a function's arguments or result name type ``type_id`` (Postgres records that)."""
    texts = [a.type for a in fn.arguments] + [t for _, t in fn.returns_table] + ([fn.returns] if fn.returns else [])
    refs = (type_ref(text) for text in texts)
    return any(ref is not None and ref.names_type(type_id.schema, type_id.name) for ref in refs)


def is_enum(obj: Obj | None) -> bool:
    return isinstance(obj, EnumIR)
