"""Triggers: ``CREATE OR REPLACE TRIGGER`` for any change."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ..ir.build import split_name
from ..ir.ids import ObjectId
from ..ir.model import FunctionIR, TriggerIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s


def _lock(op: Op, part: Part) -> Lock:
    """SHARE ROW EXCLUSIVE on its table to create or replace it, a brief ACCESS EXCLUSIVE otherwise."""
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
    fsch, fname = split_name(d.function, on.schema)
    b.add(TriggerIR(
        id=ObjectId(Kind.TRIGGER, on.schema, d.name, table=on.name), migration=mig, on=on, timing=d.timing,
        events=tuple(d.events), update_of=tuple(d.update_of), for_each=d.for_each, when=d.when,
        function=ObjectId(Kind.FUNCTION, fsch, fname), arguments=tuple(d.arguments), comment=d.comment,
        pos=b.pos(path), renamed_from=d.renamed_from,
    ), path, [on], [("when", when, path + ("when",))])


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


def _build_attached(b: Builder, d: s.AttachedTrigger, mig: int, path: tuple[Any, ...]) -> None:
    build_trigger(b, d, b.attached_to(d.table, path + ("table",)), None, mig, path)


TRIGGER = register(KindDef(kind=Kind.TRIGGER, ir=TriggerIR, keyword="TRIGGER", template_dir="trigger",
                           namespace="scoped", tracked=True, plural="triggers", alter=in_place, lock=_lock,
                           alembic_entity="PGTrigger",
                           section="triggers", build=_build_attached, hooks={"link": bind_functions}))
