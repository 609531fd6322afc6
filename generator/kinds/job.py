"""pg_cron jobs (:mod:`generator.ir.jobs`): re-scheduled in place under the same name."""

from __future__ import annotations

from ..ir.jobs import JobIR, build_job, check_jobs
from . import Kind, KindDef, register
from ._alter import in_place

JOB = register(KindDef(kind=Kind.JOB, ir=JobIR, keyword=None, template_dir="job", namespace="own",
                       plural="jobs", docs_section="jobs", alter=in_place,
                       section="jobs", build=build_job, hooks={"check": check_jobs}))
