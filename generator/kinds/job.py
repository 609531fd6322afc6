"""pg_cron jobs (:mod:`generator.ir.jobs`): re-scheduled in place under the same name."""

from __future__ import annotations

from ..ir.jobs import JobIR
from . import Kind, KindDef, register
from ._alter import in_place

JOB = register(KindDef(kind=Kind.JOB, ir=JobIR, keyword=None, template_dir="job", namespace="own",
                       plural="jobs", docs_section="jobs", alter=in_place))
