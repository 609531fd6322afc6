"""Indexes: replaced (concurrently on a live table) unless only the comment changed."""

from __future__ import annotations

from ..ir.model import IndexIR
from . import Kind, KindDef, register
from ._alter import only

INDEX = register(KindDef(kind=Kind.INDEX, ir=IndexIR, keyword="INDEX", template_dir="index",
                         namespace="relation", tracked=True, plural="indexes", alter=only()))
