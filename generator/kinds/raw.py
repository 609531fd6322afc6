"""Raw SQL objects (:mod:`generator.ir.raw`): every change runs the old ``down``, then the new ``up``."""

from __future__ import annotations

from ..ir.raw import RawIR
from ..plan.ops import Lock, Op, Part
from . import Kind, KindDef, register

#: schemagen does not see inside raw SQL: the lock it takes is the reader's to judge
UNKNOWN = Lock(None, "unknown: raw SQL (read it; schemagen does not see inside)")


def _lock(op: Op, part: Part) -> Lock:
    return UNKNOWN


RAW = register(KindDef(kind=Kind.RAW, ir=RawIR, keyword=None, template_dir="raw", namespace="own",
                       plural="raw SQL objects", alter=None, lock=_lock, docs_section="raw"))
