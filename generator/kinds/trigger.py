"""Triggers: ``CREATE OR REPLACE TRIGGER`` for any change."""

from __future__ import annotations

from ..ir.model import TriggerIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import in_place


def _lock(op: Op, part: Part) -> Lock:
    """SHARE ROW EXCLUSIVE on its table to create or replace it, a brief ACCESS EXCLUSIVE otherwise."""
    level = "SHARE ROW EXCLUSIVE" if part.action in ("create", "alter") else AEL
    return brief(level, relation_name(op.obj))

TRIGGER = register(KindDef(kind=Kind.TRIGGER, ir=TriggerIR, keyword="TRIGGER", template_dir="trigger",
                           namespace="scoped", tracked=True, plural="triggers", alter=in_place, lock=_lock,
                           alembic_entity="PGTrigger"))
