"""Extensions: ``ALTER EXTENSION … UPDATE TO`` when only the version changed, else replaced."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ids import ObjectId
from ..ir.model import ExtensionIR
from . import Kind, KindDef, register
from ._alter import only

if TYPE_CHECKING:
    from ..ir.build import Builder
    from ..spec import models as s



def build_extension(b: Builder, d: s.Extension, mig: int, path: tuple[Any, ...]) -> None:
    """An extension of ``migrations[].extensions`` (after its schema, when it names one)."""
    deps = [ObjectId(Kind.SCHEMA, "", d.schema_)] if d.schema_ else []
    b.add(ExtensionIR(id=ObjectId(Kind.EXTENSION, "", d.name), migration=mig, schema=d.schema_,
                      version=d.version, pos=b.pos(path)), path, deps)


EXTENSION = register(KindDef(kind=Kind.EXTENSION, ir=ExtensionIR, keyword="EXTENSION", template_dir="extension",
                             namespace="own", plural="extensions", alter=only("version"),
                             alembic_entity="PGExtension", docs_section="extensions",
                             section="extensions", build=build_extension))
