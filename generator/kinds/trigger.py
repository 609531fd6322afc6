"""Triggers: ``CREATE OR REPLACE TRIGGER`` for any change, but a constraint trigger (before or
after the change) is replaced: drop, then create, in the migration's one transaction (Postgres has
no ``CREATE OR REPLACE CONSTRAINT TRIGGER`` and cannot turn one kind of trigger into the other).
A renamed constraint trigger is re-created under its new name too (``rename.sql.j2``): ``ALTER
TRIGGER … RENAME`` would leave its ``pg_constraint`` row under the old name."""

from __future__ import annotations

from ..ir.model import Obj, TriggerIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import in_place, unchanged_but


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


TRIGGER = register(KindDef(kind=Kind.TRIGGER, ir=TriggerIR, keyword="TRIGGER", template_dir="trigger",
                           namespace="scoped", tracked=True, plural="triggers", alter=_alter, lock=_lock,
                           alembic_entity="PGTrigger"))
