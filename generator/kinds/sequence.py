"""Sequences: ``ALTER SEQUENCE``/``COMMENT``/``GRANT`` in place; dropping one loses its position."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import SequenceIR
from . import Kind, KindDef, register
from ._alter import in_place

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s



def build_sequence(b: Builder, d: s.Sequence, mig: int, path: tuple[Any, ...]) -> None:
    """A sequence of ``migrations[].sequences``."""
    b.ident(d.name, path + ("name",), "sequence name")
    b.add(SequenceIR(id=ObjectId(Kind.SEQUENCE, d.schema_, d.name), migration=mig, type=d.type,
                     start=d.start, increment=d.increment, comment=d.comment, pos=b.pos(path),
                     grants=b.grants(d.grants, path + ("grants",)),
                     revoke_from=b.revoke_from), path, [ObjectId(Kind.SCHEMA, "", d.schema_)])


SEQUENCE = register(KindDef(kind=Kind.SEQUENCE, ir=SequenceIR, keyword="SEQUENCE", template_dir="sequence",
                            namespace="relation", relation=True, holds_data=True, plural="sequences",
                            api_default_grant=True, docs_section="sequences", alter=in_place,
                            section="sequences", build=build_sequence))
