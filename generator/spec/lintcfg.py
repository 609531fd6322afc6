"""Lint configuration in the spec (``lint:``): waivers of one rule on one object, with a reason.

    lint:
      exposed_schemas: [public]          # schemas the Data API serves (default: public)
      waive:
        - rule: definer-executable-by-api
          object: function public.get_monthly_usage_summary(date)
          reason: The API's read path to a materialized view; filters by the caller's tenant.

A waiver names exactly one rule and one object (written as lint prints it) and must say why.
Whether the rule and the object exist is checked by build (``generator.ir.sections``, given the
lint rules by its caller) with the rest of the spec, and reported as a located spec error.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Waiver(BaseModel):
    """Turn off one rule on one object; the reason is printed with ``schemagen lint --waived``."""

    # defer_build, no use_attribute_docstrings: see the Spec class of generator/spec/models.py

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rule: Text
    """The rule's name (`schemagen lint --rules`)."""
    object: Annotated[str, StringConstraints(min_length=1)]  # names may end in spaces
    """The object as lint prints it, e.g. function public.f(date)."""
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]
    """Why the finding is accepted (printed with --waived)."""


class LintConfig(BaseModel):
    """The ``lint:`` section of schema.yaml."""

    # defer_build, no use_attribute_docstrings: see the Spec class of generator/spec/models.py

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    exposed_schemas: list[Text] = Field(default_factory=lambda: ["public"])
    """Schemas the Data API serves."""
    waive: list[Waiver] = []
    """Findings accepted on purpose, one rule on one object each."""
