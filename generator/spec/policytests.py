"""Policy tests declared in the spec (``tests:``). Owned by the tenant-isolation work."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PolicyTests(BaseModel):
    """Placeholder: actors and expectations, to be designed with `schemagen verify`'s policy tests."""

    model_config = ConfigDict(extra="allow", frozen=True)
