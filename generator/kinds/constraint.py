"""Foreign keys (constraints declared outside ``CREATE TABLE``): replaced for any change but the
comment; added ``NOT VALID`` and validated separately on a live table."""

from __future__ import annotations

from ..ir.model import ForeignKeyIR
from . import Kind, KindDef, register
from ._alter import only

CONSTRAINT = register(KindDef(kind=Kind.CONSTRAINT, ir=ForeignKeyIR, keyword="CONSTRAINT",
                              template_dir="constraint", namespace="scoped", plural="foreign keys",
                              alter=only()))
