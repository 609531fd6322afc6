"""Procedures (``CREATE PROCEDURE``): ``CREATE OR REPLACE`` when the arguments are unchanged, else
replaced (drop, create). They share the function namespace; database.types.ts leaves them out, as
postgres-meta does (its functions query reads ``prokind = 'f'`` only)."""

from __future__ import annotations

from ..ir.model import Obj, ProcedureIR
from ..plan.ops import Op
from . import Kind, KindDef, register


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, ProcedureIR) and isinstance(after, ProcedureIR)
    return [Op("alter", after, before, online=online)] if before.arguments == after.arguments else None


PROCEDURE = register(KindDef(kind=Kind.PROCEDURE, ir=ProcedureIR, keyword="PROCEDURE", template_dir="procedure",
                             namespace="function", plural="procedures", alter=_alter))
