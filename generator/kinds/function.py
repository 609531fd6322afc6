"""Functions: ``CREATE OR REPLACE`` when arguments and result are unchanged, else replaced (with
the policies and triggers Postgres ties to them)."""

from __future__ import annotations

from ..ir.model import FunctionIR, Obj
from ..plan.ops import AlterObject, Op
from . import Kind, KindDef, register


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, FunctionIR) and isinstance(after, FunctionIR)
    same = (before.arguments == after.arguments and before.returns == after.returns
            and before.returns_table == after.returns_table)
    return [AlterObject(after, before, online)] if same else None


FUNCTION = register(KindDef(kind=Kind.FUNCTION, ir=FunctionIR, keyword="FUNCTION", template_dir="function",
                            namespace="function", plural="functions", alter=_alter,
                            alembic_entity="PGFunction", api_default_grant=True, docs_section="functions",
                            docs_heading=True))
