"""Raw SQL objects (:mod:`generator.ir.raw`): every change runs the old ``down``, then the new ``up``."""

from __future__ import annotations

from ..ir.raw import RawIR
from . import Kind, KindDef, register

RAW = register(KindDef(kind=Kind.RAW, ir=RawIR, keyword=None, template_dir="raw", namespace="own",
                       plural="raw SQL objects", docs_section="raw", alter=None))
