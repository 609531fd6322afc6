"""Materialized views: replaced (with their indexes) unless only the comment or grants changed."""

from __future__ import annotations

from ..ir.model import MaterializedViewIR
from . import Kind, KindDef, register
from ._alter import only
from .view import build_view

MATERIALIZED_VIEW = register(KindDef(
    kind=Kind.MATERIALIZED_VIEW, ir=MaterializedViewIR, keyword="MATERIALIZED VIEW", grant_keyword="TABLE",
    template_dir="materialized_view", namespace="relation", relation=True, tracked=True,
    plural="materialized views", alter=only(),
    names_type=True, section="materialized_views", build=build_view))
