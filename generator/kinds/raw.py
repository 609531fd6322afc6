"""Raw SQL objects (:mod:`generator.ir.raw`): every change runs the old ``down``, then the new ``up``."""

from __future__ import annotations

from ..ir.raw import RawIR, build_raw, link_raw
from . import Kind, KindDef, register

RAW = register(KindDef(kind=Kind.RAW, ir=RawIR, keyword=None, template_dir="raw", namespace="own",
                       plural="raw SQL objects", alter=None,
                       section="raw", build=build_raw, hooks={"link": link_raw}))
