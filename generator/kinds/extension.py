"""Extensions: ``ALTER EXTENSION … UPDATE TO`` when only the version changed, else replaced."""

from __future__ import annotations

from ..ir.model import ExtensionIR
from . import Kind, KindDef, register
from ._alter import only

EXTENSION = register(KindDef(kind=Kind.EXTENSION, ir=ExtensionIR, keyword="EXTENSION", template_dir="extension",
                             namespace="own", plural="extensions", alter=only("version"),
                             alembic_entity="PGExtension", docs_section="extensions"))
