"""Tables: changed part by part with ``ALTER TABLE`` (:mod:`generator.plan.tables`), never replaced
for a change; dropping one loses its rows."""

from __future__ import annotations

from ..ir.model import TableIR
from . import Kind, KindDef, register
from ._alter import in_place

TABLE = register(KindDef(kind=Kind.TABLE, ir=TableIR, keyword="TABLE", template_dir="table",
                         namespace="relation", relation=True, holds_data=True, plural="tables",
                         columns="declared", api_default_grant=True, docs_section="tables", docs_heading=True,
                         alter=in_place))
