"""Input type of a raw SQL object (``raw:`` of a migration): explicit ``up`` and ``down`` SQL."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

RawName = Annotated[str, StringConstraints(min_length=1, max_length=63)]
RawSql = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class RawSqlObject(BaseModel):
    """``{name, up, down, description?}``: an escape hatch for what the spec language does not cover yet.

    ``up`` runs in the migration (placed after every declared object it names); ``down`` runs in the
    rollback and must return the catalog exactly to what it was (``schemagen verify`` proves it).
    schemagen cannot see inside: types and docs do not know what ``up`` creates.
    """

    # defer_build, no use_attribute_docstrings: see the Spec class of generator/spec/models.py

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: RawName
    """Its name, unique among the raw objects of the spec (a label: it is not a database name)."""
    up: RawSql
    """One or more SQL statements run by the migration (no transaction control, no VACUUM)."""
    down: RawSql
    """One or more SQL statements run by the rollback: they must undo `up` exactly."""
    description: str | None = None
    """What it does and why the spec language cannot say it, shown in the generated documentation."""
