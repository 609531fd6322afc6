"""Generated Markdown documentation (owned by the documentation work)."""

from __future__ import annotations

from ..ir.model import Model
from ..output import GeneratedFile
from ..spec import LoadedSpec
from .sql import SqlFile


def render_docs(model: Model, loaded: LoadedSpec, sql_files: list[SqlFile], *,
                templates: str | None = None) -> list[GeneratedFile]:
    """The documentation files for ``model`` (placeholder: none yet)."""
    return []
