"""database.types.ts in the shape of Supabase's generator (owned by the TypeScript-types work)."""

from __future__ import annotations

from ..ir.model import Model
from ..output import GeneratedFile
from ..spec import LoadedSpec


def render_types(model: Model, loaded: LoadedSpec, *, templates: str | None = None) -> list[GeneratedFile]:
    """The TypeScript files for ``model`` (placeholder: none yet)."""
    return []
