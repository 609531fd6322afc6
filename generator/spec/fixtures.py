"""Fixture data declared in the spec (seed data and policy-test actors). Owned by the seed-data work."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Fixtures(BaseModel):
    """Placeholder: rows per table, to be designed with the seed generator."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        return {}
