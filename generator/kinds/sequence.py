"""Sequences: ``ALTER SEQUENCE``/``COMMENT``/``GRANT`` in place; dropping one loses its position."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import SequenceIR, TableIR
from ..ir.serial import sequence_problems, serial_base
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s



def build_sequence(b: Builder, d: s.Sequence, mig: int, path: tuple[Any, ...]) -> None:
    """A sequence of ``migrations[].sequences``."""
    b.ident(d.name, path + ("name",), "sequence name")
    for where, problem in sequence_problems(d.type, d.increment, d.minvalue, d.maxvalue, d.start):
        b.error(path + (where,), f"sequence {d.name!r}: {problem}")
    if d.owned_by is not None:
        b.owned.append((d, path + ("owned_by",)))
    b.add(SequenceIR(id=ObjectId(Kind.SEQUENCE, d.schema_, d.name), migration=mig, type=d.type,
                     start=d.start, increment=d.increment, minvalue=d.minvalue, maxvalue=d.maxvalue,
                     cache=d.cache, cycle=d.cycle, comment=d.comment, pos=b.pos(path),
                     grants=b.grants(d.grants, path + ("grants",)),
                     revoke_from=b.revoke_from), path, [ObjectId(Kind.SCHEMA, "", d.schema_)])


def link_owned_sequences(b: Builder) -> None:
    """``owned_by: table.column``: the column owns the sequence (``OWNED BY`` is rendered with the
    table, after it exists; the table depends on the sequence, which its default usually calls)."""
    for d, path in b.owned:
        parts = (d.owned_by or "").split(".")
        if len(parts) == 3 and parts[0] != d.schema_:
            b.error(path, f"sequence {d.name!r}: a sequence is owned by a column of a table in its own "
                          f"schema ({d.schema_}), not {parts[0]}")
            continue
        if len(parts) not in (2, 3):
            b.error(path, f"sequence {d.name!r}: `owned_by` is table.column")
            continue
        tid = ObjectId(Kind.TABLE, d.schema_, parts[-2])
        pending = b.pending.get(tid)
        table = pending.obj if pending else None
        column = table.column(parts[-1]) if isinstance(table, TableIR) else None
        if pending is None or not isinstance(table, TableIR) or column is None:
            b.error(path, f"sequence {d.name!r} is owned by unknown column {d.schema_}.{parts[-2]}."
                          f"{parts[-1]}", "name a column of a table of the spec, in the sequence's schema")
            continue
        if column.owned_sequence is not None or column.identity or serial_base(column.type):
            b.error(path, f"sequence {d.name!r}: column {parts[-2]}.{parts[-1]} already owns a sequence")
            continue
        owner = dataclasses.replace(column, owned_sequence=d.name)
        pending.obj = dataclasses.replace(table, columns=tuple(owner if c is column else c for c in table.columns))
        pending.deps.add(ObjectId(Kind.SEQUENCE, d.schema_, d.name))


SEQUENCE = register(KindDef(kind=Kind.SEQUENCE, ir=SequenceIR, keyword="SEQUENCE", template_dir="sequence",
                            namespace="relation", relation=True, holds_data=True, plural="sequences",
                            api_default_grant=True, docs_section="sequences", alter=in_place,
                            section="sequences", build=build_sequence,
                            hooks={"link": link_owned_sequences}))
