"""Foreign keys (constraints declared outside ``CREATE TABLE``): replaced for any change but the
comment; added ``NOT VALID`` and validated separately on a live table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir.model import ForeignKeyIR, TableIR
from ..ir.names import fk_types_compatible
from ..plan.locks import relation_name
from ..plan.ops import AEL, NO_REWRITE, SUE, Lock, Op, Part, brief
from . import Kind, KindDef, register
from ._alter import only

if TYPE_CHECKING:
    from ..ir.build import Builder


def _lock(op: Op, part: Part) -> Lock:
    """SHARE ROW EXCLUSIVE on both tables to add one (a scan unless NOT VALID), SHARE UPDATE
    EXCLUSIVE to validate it or change its comment (on its own table only), a brief ACCESS EXCLUSIVE
    on both to drop or rename it."""
    rel = relation_name(op.obj)
    target = op.obj.target if isinstance(op.obj, ForeignKeyIR) else None
    both = f"{rel} and {target.qualified}" if target is not None else rel
    if part.action == "validate":
        return Lock(SUE, f"{SUE} on {rel}, ROW SHARE on {target.qualified if target else rel}; scans {rel}; "
                         f"{NO_REWRITE}")
    if part.action == "alter":  # only the comment changes in place: COMMENT ON CONSTRAINT
        return brief(SUE, rel)
    if part.action == "create":
        scan = " (brief: NOT VALID, no scan)" if op.online else f"; scans {rel}"
        return Lock("SHARE ROW EXCLUSIVE", f"SHARE ROW EXCLUSIVE on {both}{scan}; {NO_REWRITE}")
    return brief(AEL, both)


def check_targets(b: Builder) -> None:
    """Every foreign key names columns its target table has, of types Postgres can compare, as many
    as it has (the ``link`` pass; foreign keys are built by their table's builder)."""
    for oid, p in b.pending.items():
        obj = p.obj
        if not isinstance(obj, ForeignKeyIR):
            continue
        target = b.pending.get(obj.target)
        if target is None or not isinstance(target.obj, TableIR):  # a foreign key targets a table
            continue
        tcols = {c.name: c for c in target.obj.columns}
        source = b.pending.get(oid.relation())
        scols = {c.name: c for c in source.obj.columns} if source and isinstance(source.obj, TableIR) else {}
        for c, tc in zip(obj.columns, obj.target_columns, strict=False):
            if tc not in tcols:
                b.error(p.path, f"foreign key {oid.name!r} references unknown column {obj.target.name}.{tc}")
            elif c in scols and not fk_types_compatible(scols[c].type, tcols[tc].type):
                b.error(p.path, f"foreign key {oid.name!r}: column {oid.table}.{c} is "
                                f"{scols[c].type} but {obj.target.name}.{tc} is {tcols[tc].type}; "
                                "Postgres refuses a foreign key between these types",
                        "give both columns the same type (or compatible ones, e.g. integer and bigint)")
        if len(obj.columns) != len(obj.target_columns):
            b.error(p.path, f"foreign key {oid.name!r} has {len(obj.columns)} columns but references "
                            f"{len(obj.target_columns)}")


CONSTRAINT = register(KindDef(kind=Kind.CONSTRAINT, ir=ForeignKeyIR, keyword="CONSTRAINT",
                              template_dir="constraint", namespace="scoped", plural="foreign keys",
                              alter=only(), lock=_lock, validated_apart=True, derived_name=True,
                              hooks={"link": check_targets}))
