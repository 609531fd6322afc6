"""Procedures (``CREATE PROCEDURE``): ``CREATE OR REPLACE`` when the arguments are unchanged, else
replaced (drop, create). They share the function namespace (overloads named by argument types) and
Supabase's default privileges on functions (``ON FUNCTIONS`` covers procedures); no table lock.
database.types.ts leaves them out, as postgres-meta does (its functions query reads ``prokind = 'f'``
only), and alembic revisions make them from the rendered SQL (alembic_utils has no procedure entity)."""

from __future__ import annotations

from ..ir.model import Obj, ProcedureIR
from ..ir.procedure import build_procedure, check_procedures
from ..plan.ops import AlterObject, Op
from . import Kind, KindDef, register


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, ProcedureIR) and isinstance(after, ProcedureIR)
    return [AlterObject(after, before, online)] if before.arguments == after.arguments else None


PROCEDURE = register(KindDef(kind=Kind.PROCEDURE, ir=ProcedureIR, keyword="PROCEDURE", template_dir="procedure",
                             namespace="function", routine=True, plural="procedures", alter=_alter,
                             api_default_grant=True, docs_section="procedures", docs_heading=True,
                             section="procedures", build=build_procedure, hooks={"check": check_procedures},
                             public_default="EXECUTE"))
