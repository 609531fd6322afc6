"""seed_test_data.sql from the spec's fixtures (owned by the seed-data work)."""

from __future__ import annotations

from ..ir.model import Model
from ..output import GeneratedFile
from ..spec import LoadedSpec


def render_seed(model: Model, loaded: LoadedSpec, *, templates: str | None = None) -> list[GeneratedFile]:
    """The seed-data files for ``model`` (placeholder: none yet)."""
    return []
