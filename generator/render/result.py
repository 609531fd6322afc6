"""What one ``generate`` run produced: the product of the stages up to render and validate, read
by ``check``, ``verify`` and the writers of ``out/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..ir import Model
from ..output import GeneratedFile
from ..plan import Plan
from ..spec import LoadedSpec

if TYPE_CHECKING:  # render.sql imports Jinja, which a run that renders nothing does not need
    from .sql import SqlFile


@dataclass(slots=True)
class Result:
    """Everything one run produced, and how long each stage took (seconds)."""

    loaded: LoadedSpec
    model: Model
    plans: list[tuple[int, Plan]]
    sql_files: list[SqlFile]
    files: list[GeneratedFile]
    timings: dict[str, float] = field(default_factory=dict)
