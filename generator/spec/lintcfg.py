"""Lint configuration in the spec (``lint:``): waivers of one rule on one object, with a reason."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LintConfig(BaseModel):
    """Placeholder: to be designed with `schemagen lint`."""

    model_config = ConfigDict(extra="allow", frozen=True)
