"""Sequences: ``ALTER SEQUENCE``/``COMMENT``/``GRANT`` in place; dropping one loses its position."""

from __future__ import annotations

from ..ir.model import SequenceIR
from . import Kind, KindDef, register
from ._alter import in_place

SEQUENCE = register(KindDef(kind=Kind.SEQUENCE, ir=SequenceIR, keyword="SEQUENCE", template_dir="sequence",
                            namespace="relation", relation=True, holds_data=True, plural="sequences",
                            api_default_grant=True, docs_section="sequences", alter=in_place))
