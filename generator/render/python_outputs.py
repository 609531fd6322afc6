"""The Python teams' outputs, each opt-in: ``models.py`` (SQLAlchemy) and ``alembic/`` (revisions)."""

from __future__ import annotations

from collections.abc import Collection

from ..ir.model import Model
from ..output import GeneratedFile
from ..plan import Plan
from ..spec import LoadedSpec


def render_python(model: Model, loaded: LoadedSpec, plans: list[tuple[int, Plan]], *, sqlalchemy: bool,
                  alembic: bool, templates: str | None = None, online: Collection[int] = ()) -> list[GeneratedFile]:
    """``models.py`` when ``sqlalchemy``, the Alembic script directory when ``alembic``.

    ``online`` are the migrations that run on a live database (their revisions set the same
    lock and statement timeouts as their SQL files).
    """
    files: list[GeneratedFile] = []
    if sqlalchemy or alembic:  # env.py imports the models' metadata: alembic needs them too
        from .sqlalchemy_models import render_models

        files += render_models(model, loaded, templates=templates)
    if alembic:
        from .alembic_revisions import render_alembic

        files += render_alembic(model, loaded, plans, templates=templates, online=frozenset(online))
    return files
