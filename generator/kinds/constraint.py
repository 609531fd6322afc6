"""Foreign keys (constraints declared outside ``CREATE TABLE``): replaced for any change but the
comment; added ``NOT VALID`` and validated separately on a live table."""

from __future__ import annotations

from ..ir.model import ForeignKeyIR
from ..plan.locks import relation_name
from ..plan.ops import AEL, NO_REWRITE, SUE, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import only


def _lock(op: Op, part: Part) -> Lock:
    """SHARE ROW EXCLUSIVE on both tables to add one (a scan unless NOT VALID), SHARE UPDATE
    EXCLUSIVE to validate it, a brief ACCESS EXCLUSIVE on both to drop or rename it."""
    rel = relation_name(op.obj)
    target = op.obj.target if isinstance(op.obj, ForeignKeyIR) else None
    both = f"{rel} and {target.qualified}" if target is not None else rel
    if part.action == "validate":
        return Lock(SUE, f"{SUE} on {rel}, ROW SHARE on {target.qualified if target else rel}; scans {rel}; "
                         f"{NO_REWRITE}")
    if part.action == "create":
        scan = " (brief: NOT VALID, no scan)" if op.online else f"; scans {rel}"
        return Lock("SHARE ROW EXCLUSIVE", f"SHARE ROW EXCLUSIVE on {both}{scan}; {NO_REWRITE}")
    return brief(AEL, both)


CONSTRAINT = register(KindDef(kind=Kind.CONSTRAINT, ir=ForeignKeyIR, keyword="CONSTRAINT",
                              template_dir="constraint", namespace="scoped", plural="foreign keys",
                              alter=only(), lock=_lock, validated_apart=True, derived_name=True))
