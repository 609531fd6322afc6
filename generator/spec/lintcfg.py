"""Lint configuration in the spec (``lint:``): waivers of one rule on one object, with a reason.

    lint:
      exposed_schemas: [public]          # schemas the Data API serves (default: public)
      waive:
        - rule: definer-executable-by-api
          object: function public.get_monthly_usage_summary(date)
          reason: The API's read path to a materialized view; filters by the caller's tenant.

A waiver names exactly one rule and one object (written as lint prints it) and must say why.
Whether the rule and the object exist is checked by ``generator.lint`` (a later stage), which
reports an unknown one as a located spec error.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Waiver(BaseModel):
    """Turn off one rule on one object; the reason is printed with ``schemagen lint --waived``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Text
    object: Annotated[str, StringConstraints(min_length=1)]  # as lint prints it: names may end in spaces
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]


class LintConfig(BaseModel):
    """The ``lint:`` section of schema.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exposed_schemas: list[Text] = Field(default_factory=lambda: ["public"])
    waive: list[Waiver] = []
