"""How each kind of object changes in place, or why it cannot (then it is dropped and re-created).

=====================  ===========================================================================
kind                   strategy for a changed object
=====================  ===========================================================================
table                  ALTER TABLE, part by part (:mod:`.tables`); never dropped for a change
function               CREATE OR REPLACE when arguments and result are unchanged, else replace
view                   CREATE OR REPLACE when its select list is unchanged, else replace
materialized view      replace (with its indexes) unless only comment or grants changed
index                  replace (concurrently on a live table) unless only the comment changed
policy                 ALTER POLICY when command, mode and which clauses exist are unchanged
trigger                CREATE OR REPLACE TRIGGER
type (enum)            ALTER TYPE … ADD VALUE when values are only added; else re-create the type
                       and convert its columns (dropping a value is destructive)
sequence, schema       ALTER / COMMENT / GRANT
extension              ALTER EXTENSION … UPDATE TO when only the version changed, else replace
constraint             replace
raw                    replace: the old down, then the new up (generator/ir/raw.py)
=====================  ===========================================================================

Comments and grants of every kind change in place (COMMENT ON, REVOKE/GRANT).
"""

from __future__ import annotations

from ..ir.ids import ObjectId
from ..ir.model import EnumIR, Model, Obj, TableIR
from ..kinds import kind_def
from ..sqlan.select import select_list as select_list
from ..sqlan.types import type_ref
from .ops import Op


def alter_ops(before: Obj, after: Obj, *, online: bool = False) -> list[Op] | None:
    """The in-place ops that change ``before`` into ``after``, or None when it must be replaced
    (each kind's strategy is in its registry module)."""
    strategy = kind_def(before.id.kind).alter
    return None if strategy is None else strategy(before, after, online)


def enum_users(model: Model, type_id: ObjectId) -> tuple[tuple[ObjectId, str, str | None, bool], ...]:
    """(table, column, default, is array) of every column of ``model`` whose type is enum ``type_id``."""
    obj = model.objects.get(type_id)
    if not isinstance(obj, EnumIR):
        return ()
    out = []
    for oid in model.order:
        t = model.objects[oid]
        if isinstance(t, TableIR) and type_id in model.deps.get(oid, ()):
            for c in t.columns:
                ref = type_ref(c.type)
                if ref is not None and ref.names_type(type_id.schema, type_id.name):
                    out.append((oid, c.name, c.default, ref.array))
    return tuple(out)
