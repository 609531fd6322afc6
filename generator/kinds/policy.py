"""Policies: ``ALTER POLICY`` when command, mode and which clauses exist are unchanged, else
replaced (in the same transaction: a table is never left without it)."""

from __future__ import annotations

from ..ir.model import Obj, PolicyIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, AlterObject, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import unchanged_but


def _alter(before: Obj, after: Obj, online: bool) -> list[Op] | None:
    assert isinstance(before, PolicyIR) and isinstance(after, PolicyIR)
    same_shape = unchanged_but(before, after, "roles", "using", "with_check")
    clauses = (before.using is None) == (after.using is None) and \
        (before.with_check is None) == (after.with_check is None)
    return [AlterObject(after, before, online)] if same_shape and clauses else None


def _lock(op: Op, part: Part) -> Lock:
    """A brief ACCESS EXCLUSIVE on its table for any change."""
    return brief(AEL, relation_name(op.obj))


POLICY = register(KindDef(kind=Kind.POLICY, ir=PolicyIR, keyword="POLICY", template_dir="policy",
                          namespace="scoped", tracked=True, plural="policies", alter=_alter, lock=_lock,
                          alembic_entity="PGPolicy"))
