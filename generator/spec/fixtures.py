"""Fixture data declared in the spec (``fixtures:``): seed data and the actors of policy tests.

The shape mirrors the YAML: table → row key → column → value.

```yaml
fixtures:
  tenants:                     # a table of the spec (``schema.table`` outside ``public``)
    acme:                      # the row's key: names it, and derives its uuid primary key
      name: Acme Corp
  users:
    acme_owner:
      tenant_id: acme          # a foreign-key column takes the key of a fixture row of its target
      auth_id: {uuid: auth/acme_owner}   # a deterministic uuid derived from a name
      preferences: {theme: dark}         # json/jsonb columns take any YAML value, stored as JSON
  usage_metrics:
    acme_owner_day1:
      date: {sql: current_date - 3}      # a SQL expression, inserted as written
  auth.users:                  # Supabase's auth.users (external) takes rows too
    alice: {email: alice@example.com}
  storage.buckets:             # so do Storage's buckets (id given: a bucket's key is text)
    avatars: {id: avatars, name: avatars, public: true}
```

Only the shape is checked here; ``generator.ir.fixtures`` checks tables, columns and keys
against the model and reports every problem with its ``schema.yaml`` position.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, RootModel

Row = dict[str, Any]


class Fixtures(RootModel[dict[str, dict[str, Row]]]):
    """Rows per table, each row under a key that is unique within its table."""

    # defer_build: see the Spec class of generator/spec/models.py

    model_config = ConfigDict(frozen=True, defer_build=True)
    root: dict[str, dict[str, Row]] = Field(default_factory=dict)

    def rows(self) -> dict[str, dict[str, Row]]:
        """Table name (as written) → row key → column → value, in spec order."""
        return self.root
