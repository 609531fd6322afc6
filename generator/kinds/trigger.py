"""Triggers: ``CREATE OR REPLACE TRIGGER`` for any change."""

from __future__ import annotations

from ..ir.model import TriggerIR
from . import Kind, KindDef, register
from ._alter import in_place

TRIGGER = register(KindDef(kind=Kind.TRIGGER, ir=TriggerIR, keyword="TRIGGER", template_dir="trigger",
                           namespace="scoped", tracked=True, plural="triggers", alter=in_place))
