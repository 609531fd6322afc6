"""Render stage: plans and the model → file text through Jinja templates."""

from .env import environment
from .sql import SqlFile, render_migrations

__all__ = ["SqlFile", "environment", "render_migrations"]
