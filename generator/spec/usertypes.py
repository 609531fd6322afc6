"""Input types of the user-defined type kinds: domains (``domains:``) and composite types
(``composite_types:``) of a migration.

They sit beside the other input models (not in their kind modules, generator/kinds/domain.py and
composite_type.py) because the spec is loaded before the registry: a kind module imports the ir,
which imports the spec. :mod:`.models` imports these at its end.
"""

from __future__ import annotations

from pydantic import Field

from .models import Grant, Spec, SqlText
from .text import Name


class DomainCheck(Spec):
    """A named CHECK constraint of a domain (``VALUE`` is the checked value)."""

    name: Name
    """Constraint name (a domain's checks are named so that they can be changed one by one)."""
    expression: SqlText
    """An SQL boolean expression over VALUE, e.g. `VALUE > 0` or `VALUE ~ '^[a-z]+$'`."""


class Domain(Spec):
    """A domain: a base type with NOT NULL, a default and named checks, usable as a column type."""

    name: Name
    """Domain name."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    type: Name
    """The base type, e.g. text, integer, numeric(10,2), text[] or an enum of the spec. It cannot
    change in place: declare a new domain and move the columns to it."""
    collation: Name | None = None
    """COLLATE: a collation of a collatable base type (`schema.name` when not in pg_catalog); like the
    base type, it cannot change in place."""
    not_null: bool = False
    """NOT NULL: no value of the domain may be NULL."""
    default: SqlText | None = None
    """DEFAULT: an SQL expression, the value of a column of this domain that has no default of its own."""
    checks: list[DomainCheck] = []
    """Named CHECK constraints; each one added later is validated without a gap."""
    comment: str | None = None
    """COMMENT ON DOMAIN."""
    grants: list[Grant] = []
    """Privileges (usage) granted after everything is revoked."""


class Attribute(Spec):
    """One attribute of a composite type."""

    name: Name
    """Attribute name."""
    renamed_from: Name | None = None
    """The old name: the next migration renames the attribute (RENAME ATTRIBUTE) instead of drop + add."""
    type: Name
    """Postgres type, e.g. text, numeric(10,2), text[], an enum or domain of the spec."""
    collation: Name | None = None
    """COLLATE: a collation name, `schema.name` when not in pg_catalog."""


class CompositeType(Spec):
    """A composite type (``CREATE TYPE … AS (…)``): a row of named, typed attributes."""

    name: Name
    """Type name."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    attributes: list[Attribute] = Field(min_length=1)
    """The attributes, in order."""
    comment: str | None = None
    """COMMENT ON TYPE."""
    grants: list[Grant] = []
    """Privileges (usage) granted after everything is revoked."""
