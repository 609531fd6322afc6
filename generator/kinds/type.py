"""Types (enums): ``ADD VALUE`` when values are only added, else the type is re-created and its
columns converted, its dependents dropped and re-created around it (``RecreateEnum``)."""

from __future__ import annotations

from ..ir.model import EnumIR
from . import Kind, KindDef, register
from ._alter import in_place

TYPE = register(KindDef(kind=Kind.TYPE, ir=EnumIR, keyword="TYPE", template_dir="type",
                        namespace="relation", plural="types", docs_section="enums", data_type=True, alter=in_place))
