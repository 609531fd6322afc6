"""Foreign keys (constraints declared outside ``CREATE TABLE``): replaced for any change but the
comment; added ``NOT VALID`` and validated separately on a live table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir.model import ForeignKeyIR, TableIR
from ..ir.names import fk_types_compatible
from . import Kind, KindDef, register
from ._alter import only

if TYPE_CHECKING:
    from ..ir.build import Builder


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
                              alter=only(), hooks={"link": check_targets}))
