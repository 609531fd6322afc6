"""Triggers: ``CREATE OR REPLACE TRIGGER`` for any change, but a constraint trigger (before or
after the change) is replaced: drop, then create, in the migration's one transaction (Postgres has
no ``CREATE OR REPLACE CONSTRAINT TRIGGER`` and cannot turn one kind of trigger into the other)."""

from __future__ import annotations

from ..ir.model import Obj, TriggerIR
from ..plan.ops import Op
from . import Kind, KindDef, register
from ._alter import in_place, unchanged_but


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, TriggerIR) and isinstance(after, TriggerIR)
    if (before.constraint or after.constraint) and not unchanged_but(before, after):
        return None
    return in_place(before, after, online)


TRIGGER = register(KindDef(kind=Kind.TRIGGER, ir=TriggerIR, keyword="TRIGGER", template_dir="trigger",
                           namespace="scoped", tracked=True, plural="triggers", alter=_alter))
