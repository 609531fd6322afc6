"""Triggers: ``CREATE OR REPLACE TRIGGER`` for any change, but a constraint trigger (before or
after the change) is replaced: drop, then create, in the migration's one transaction (Postgres has
no ``CREATE OR REPLACE CONSTRAINT TRIGGER`` and cannot turn one kind of trigger into the other).
A renamed constraint trigger is re-created under its new name too (``rename.sql.j2``): ``ALTER
TRIGGER … RENAME`` would leave its ``pg_constraint`` row under the old name."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ..ir.build import split_name
from ..ir.ids import ObjectId
from ..ir.model import FunctionIR, Obj, TriggerIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, Lock, Op, Part, brief
from ..spec import models as s
from . import Kind, KindDef, register
from ._alter import in_place, unchanged_but

if TYPE_CHECKING:
    from ..ir.build import Builder


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, TriggerIR) and isinstance(after, TriggerIR)
    if (before.constraint or after.constraint) and not unchanged_but(before, after):
        return None
    return in_place(before, after, online)


def _lock(op: Op, part: Part) -> Lock:
    """SHARE ROW EXCLUSIVE on its table to create or replace it, a brief ACCESS EXCLUSIVE otherwise
    (a drop; a rename, which for a constraint trigger is a drop and a create)."""
    level = "SHARE ROW EXCLUSIVE" if part.action in ("create", "alter") else AEL
    return brief(level, relation_name(op.obj))


def build_trigger(b: Builder, d: s.Trigger, on: ObjectId, colset: set[str] | None, mig: int,
                  path: tuple[Any, ...]) -> None:
    """A trigger on ``on`` (a table's or view's ``triggers``, or one of ``migrations[].triggers`` on
    an external table, when ``colset`` is None). Its function is bound by name once every function
    is known (:func:`bind_functions`, a ``link`` hook)."""
    b.ident(d.name, path + ("name",), "trigger name")
    mig = b.later(d.migration, mig, path)
    for i, c in enumerate(d.update_of):
        if colset is not None and c not in colset:
            b.error(path + ("update_of", i), f"trigger uses unknown column {c!r} of {on.name!r}")
    if d.update_of and "update" not in d.events:
        b.error(path + ("update_of",), "`update_of` needs the `update` event")
    when = b.sql(d.when, path + ("when",), f"trigger {d.name!r} when")
    trigger_options(b, d, on, path)
    ref = d.referencing or s.Referencing()
    fsch, fname = split_name(d.function, on.schema)
    b.add(TriggerIR(
        id=ObjectId(Kind.TRIGGER, on.schema, d.name, table=on.name), migration=mig, on=on, timing=d.timing,
        events=tuple(d.events), update_of=tuple(d.update_of), for_each=d.for_each, when=d.when,
        function=ObjectId(Kind.FUNCTION, fsch, fname), arguments=tuple(d.arguments), comment=d.comment,
        constraint=d.constraint, deferrable=d.deferrable, initially=d.initially,
        from_table=ObjectId(Kind.TABLE, *split_name(d.from_, on.schema)) if d.from_ else None,
        new_table=ref.new_table, old_table=ref.old_table,
        pos=b.pos(path), renamed_from=d.renamed_from,
    ), path, [on], [("when", when, path + ("when",))])


def trigger_options(b: Builder, d: s.Trigger, on: ObjectId, path: tuple[Any, ...]) -> None:
    """What Postgres refuses of constraint triggers and transition tables, as located errors."""
    if d.constraint and (d.timing != "after" or d.for_each != "row"):
        b.error(path + ("constraint",), "a constraint trigger is `timing: after` and `for_each: row`")
    if d.deferrable and not d.constraint:
        b.error(path + ("deferrable",), "only a constraint trigger (`constraint: true`) can be deferrable")
    if d.from_ and not d.constraint:
        b.error(path + ("from",), "only a constraint trigger (`constraint: true`) has `from` (FROM "
                                  "referenced_table)")
    ref = d.referencing
    if ref is None:
        return
    rp = path + ("referencing",)
    if ref.new_table is None and ref.old_table is None:
        b.error(rp, "`referencing` needs `new_table` or `old_table`")
    if d.constraint:
        b.error(rp, "a constraint trigger cannot have transition tables")
    if d.timing != "after":
        b.error(rp, "transition tables need `timing: after`")
    if len(d.events) != 1:
        b.error(rp, "transition tables need exactly one event")
    if d.update_of:
        b.error(rp, "transition tables cannot be combined with `update_of`")
    if on.kind is not Kind.TABLE:
        b.error(rp, "transition tables are only for triggers on tables")
    if ref.new_table is not None and not set(d.events) & {"insert", "update"}:
        b.error(rp + ("new_table",), "`new_table` needs the insert or update event")
    if ref.old_table is not None and not set(d.events) & {"update", "delete"}:
        b.error(rp + ("old_table",), "`old_table` needs the update or delete event")
    if ref.new_table is not None and ref.new_table == ref.old_table:
        b.error(rp, "`new_table` and `old_table` need different names")
    for key in ("new_table", "old_table"):
        name = getattr(ref, key)
        if name is not None:
            b.ident(name, rp + (key,), "transition table name")


def bind_functions(b: Builder) -> None:
    """A trigger names its function without argument types: bind it to the declared one (the
    ``link`` pass: the function becomes a dependency)."""
    for oid, p in list(b.pending.items()):
        obj = p.obj
        if not isinstance(obj, TriggerIR):
            continue
        cands = b.functions_by_name.get((obj.function.schema, obj.function.name), [])
        if len(cands) == 1:
            fn = cands[0]
            fn_obj = b.pending[fn].obj
            returns = fn_obj.returns if isinstance(fn_obj, FunctionIR) else None
            if (returns or "").lower() != "trigger":
                b.error(p.path + ("function",), f"{fn} does not return trigger")
            p.obj = dataclasses.replace(obj, function=fn)
            p.deps.add(fn)
        elif len(cands) > 1:
            b.error(p.path + ("function",), f"function {obj.function.qualified} is overloaded")
        elif (obj.function.schema, obj.function.name) not in b.externals:
            b.error(p.path + ("function",), f"trigger {oid.name!r} uses unknown function "
                    f"{obj.function.qualified}")


def bind_from_tables(b: Builder) -> None:
    """A constraint trigger's ``from`` names a table of the spec (which becomes a dependency: it is
    created before the trigger and dropped after it) or an external one; anything else is a
    located error."""
    for oid, p in list(b.pending.items()):
        obj = p.obj
        if not isinstance(obj, TriggerIR) or obj.from_table is None:
            continue
        ref = obj.from_table
        found = b.resolve_relation(ref.schema, ref.name, ref.schema)
        if found is not None and found.kind is Kind.TABLE:
            p.deps.add(found)
        elif found is not None:
            b.error(p.path + ("from",), f"trigger {oid.name!r}: `from` names {found}, not a table")
        elif (ref.schema, ref.name) not in b.externals:
            b.error(p.path + ("from",), f"trigger {oid.name!r}: `from` names unknown table {ref.qualified}",
                    "declare the table, or list it under `external:`")


def _link(b: Builder) -> None:
    bind_functions(b)
    bind_from_tables(b)


def _build_attached(b: Builder, d: s.AttachedTrigger, mig: int, path: tuple[Any, ...]) -> None:
    build_trigger(b, d, b.attached_to(d.table, path + ("table",)), None, mig, path)


TRIGGER = register(KindDef(kind=Kind.TRIGGER, ir=TriggerIR, keyword="TRIGGER", template_dir="trigger",
                           namespace="scoped", tracked=True, plural="triggers", alter=_alter, lock=_lock,
                           alembic_entity="PGTrigger",
                           section="triggers", build=_build_attached, hooks={"link": _link}))
