"""Schemas: ``ALTER``/``COMMENT``/``GRANT`` in place; never replaced for a change."""

from __future__ import annotations

from ..ir.model import SchemaIR
from . import Kind, KindDef, register
from ._alter import in_place

SCHEMA = register(KindDef(kind=Kind.SCHEMA, ir=SchemaIR, keyword="SCHEMA", template_dir="schema",
                          namespace="own", plural="schemas", docs_section="schemas", alter=in_place))
