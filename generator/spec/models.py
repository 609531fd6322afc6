"""Input types of the spec language: they mirror schema.yaml one to one.

These are *input* shapes only (habit 1): names as the user wrote them, SQL as text, defaults
that make the safe choice the easy one. ``generator.ir.build`` turns them into the model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .fixtures import Fixtures
from .jobs import Job
from .lintcfg import LintConfig
from .policytests import PolicyTests
from .raw import RawSqlObject
from .text import Name, NameText

SqlText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Body = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]  # kept as written: see Function.verbatim
BigInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]  # what a sequence can count to
FkAction = Literal["no action", "restrict", "cascade", "set null", "set default"]
Privilege = Literal[
    "all", "select", "insert", "update", "delete", "truncate", "references", "trigger",
    "usage", "execute", "create", "maintain",  # maintain: PostgreSQL 17+
]


class Spec(BaseModel):
    """Common configuration: unknown keys are errors, values are immutable after loading."""

    # defer_build: see the end of this module. No use_attribute_docstrings: the attribute docstrings
    # describe the keys in the JSON Schema only, read by generator/spec/jsonschema.py when it is made.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, str_strip_whitespace=False)


class Grant(Spec):
    """``GRANT privileges [(columns)] ON <the object> TO roles``."""

    privileges: list[Privilege] = Field(min_length=1)
    """Privileges to grant, e.g. [select, insert]; `all` for every privilege of the object."""
    to: list[Name] = Field(min_length=1)
    """Roles that receive the privileges, e.g. [authenticated]."""
    columns: list[Name] = []
    """Column-level grant: only these columns (tables, for select/insert/update/references)."""
    with_grant_option: bool = False
    """Let the grantees grant the privileges on."""


class Reference(Spec):
    """A column-level foreign key: ``references: {table: users, on_delete: cascade}``."""

    table: Name
    """The referenced table (qualified name, or in the same schema)."""
    column: Name = "id"
    """The referenced column."""
    name: Name | None = None
    """Constraint name (default: Postgres's `<table>_<column>_fkey`)."""
    on_delete: FkAction = "no action"
    """ON DELETE action."""
    on_update: FkAction = "no action"
    """ON UPDATE action."""
    deferrable: bool = False
    """DEFERRABLE (INITIALLY DEFERRED unless `initially: immediate`)."""
    initially: Literal["deferred", "immediate"] = "deferred"
    """INITIALLY DEFERRED or IMMEDIATE, when deferrable."""
    match: Literal["simple", "full"] = "simple"
    """MATCH FULL: a multi-column key is either all NULL or fully checked (MATCH SIMPLE, the
    default, skips the check when any column is NULL)."""
    comment: str | None = None
    """COMMENT ON CONSTRAINT."""


class Column(Spec):
    """One table column. ``default``, ``check`` and ``generated`` are SQL expressions."""

    name: Name
    """Column name."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    type: Name
    """Postgres type, e.g. uuid, text, timestamptz, numeric(10,2), text[] or an enum of the spec."""
    collation: Name | None = None
    """COLLATE: a collation name, `schema.name` when not in pg_catalog."""
    storage: Literal["plain", "external", "extended", "main"] | None = None
    """SET STORAGE: how values are TOASTed (default: the type's own; fixed-length types are always plain)."""
    compression: Literal["pglz", "lz4"] | None = None
    """COMPRESSION of TOASTed values of a variable-length type (default: the server's
    default_toast_compression); lz4 needs a server built with lz4."""
    nullable: bool = True
    """Columns are nullable unless you say so (primary keys are not)."""
    default: SqlText | None = None
    """DEFAULT: an SQL expression, e.g. gen_random_uuid() or now()."""
    backfill: SqlText | None = None
    """The value of each existing row when a later migration adds this column to a table that
    exists: one SQL expression over the row, e.g. `(select c.tenant_id from public.conversations c
    where c.id = messages.conversation_id)`. The column is added nullable, filled by an UPDATE, then
    made NOT NULL (if it is) without a gap. Ignored when the table is created."""
    identity: Literal["always", "by default"] | None = None
    """GENERATED ALWAYS / BY DEFAULT AS IDENTITY."""
    generated: SqlText | None = None
    """GENERATED ALWAYS AS (expression) STORED."""
    primary_key: bool = False
    """This column is the primary key."""
    unique: bool = False
    """A unique constraint on this column alone."""
    check: SqlText | None = None
    """A CHECK constraint on this column: an SQL boolean expression."""
    references: Reference | None = None
    """A foreign key from this column."""
    comment: str | None = None
    """COMMENT ON COLUMN."""
    shape: str | None = None
    """json/jsonb: a name under `types.definitions`, or TypeScript type text (for database.types.ts)."""
    sequence_grants: list[Grant] = []
    """Identity and serial columns: grants on their sequence (which is revoked like the table);
    a serial column needs `usage` for the roles that insert rows."""


class Unique(Spec):
    """A unique constraint over several columns."""

    name: Name | None = None
    """Constraint name (default: Postgres's)."""
    columns: list[Name] = Field(min_length=1)
    """The columns that are unique together."""
    nulls_not_distinct: bool = False
    """NULLS NOT DISTINCT (Postgres 15+): NULLs compare equal."""
    comment: str | None = None
    """COMMENT ON CONSTRAINT (changed in place: the constraint is kept)."""


class Check(Spec):
    """A table CHECK constraint."""

    name: Name | None = None
    """Constraint name (default: Postgres's)."""
    expression: SqlText
    """An SQL boolean expression."""
    comment: str | None = None
    """COMMENT ON CONSTRAINT (changed in place: the constraint is kept)."""


#: An operator of an exclusion constraint (``=``, ``&&``, ``<>``…): operator characters only.
Operator = Annotated[str, StringConstraints(pattern=r"^[-+*/<>=~!@#%^&|`?]{1,63}$")]


class ExcludeElement(Spec):
    """An element of an exclusion constraint: a column or an expression, and the operator that two
    rows may not both satisfy, e.g. `{column: room_id, with: "="}` or `{column: period, with: "&&"}`."""

    column: Name | None = None
    """A column of the table."""
    expression: SqlText | None = None
    """Or an SQL expression over the row, e.g. tstzrange(starts_at, ends_at)."""
    opclass: Name | None = None
    """Operator class (default: the method's default for the type), e.g. extensions.gist_int8_ops."""
    with_: Operator = Field(alias="with")
    """The operator, e.g. `=` or `&&`: two rows conflict when it holds for every element."""


class Exclude(Spec):
    """An exclusion constraint: no two rows may match on every element's operator. A `gist`
    constraint with `{column: room_id, with: "="}` needs the `btree_gist` extension."""

    name: Name | None = None
    """Constraint name (default: `<table>_<columns>_excl`)."""
    using: Literal["gist", "spgist", "btree", "hash"] = "gist"
    """The index access method that enforces it."""
    elements: list[ExcludeElement] = Field(min_length=1)
    """The elements: columns or expressions, each WITH an operator."""
    where: SqlText | None = None
    """Only rows matching this SQL boolean expression are constrained (a partial constraint)."""
    include: list[Name] = []
    """INCLUDE columns stored in the constraint's index."""
    deferrable: bool = False
    """DEFERRABLE (INITIALLY DEFERRED unless `initially: immediate`)."""
    initially: Literal["deferred", "immediate"] = "deferred"
    """INITIALLY DEFERRED or IMMEDIATE, when deferrable."""
    comment: str | None = None
    """COMMENT ON CONSTRAINT (changed in place: the constraint is kept)."""


class ForeignKey(Spec):
    """A (multi-column) foreign key."""

    name: Name | None = None
    """Constraint name (default: Postgres's)."""
    columns: list[Name] = Field(min_length=1)
    """The referencing columns."""
    references: ForeignTarget
    """The referenced table and columns."""
    on_delete: FkAction = "no action"
    """ON DELETE action."""
    on_update: FkAction = "no action"
    """ON UPDATE action."""
    deferrable: bool = False
    """DEFERRABLE (INITIALLY DEFERRED unless `initially: immediate`)."""
    initially: Literal["deferred", "immediate"] = "deferred"
    """INITIALLY DEFERRED or IMMEDIATE, when deferrable."""
    match: Literal["simple", "full"] = "simple"
    """MATCH FULL: a multi-column key is either all NULL or fully checked (MATCH SIMPLE, the
    default, skips the check when any column is NULL)."""
    comment: str | None = None
    """COMMENT ON CONSTRAINT."""


class ForeignTarget(Spec):
    """The table and columns a foreign key references."""

    table: Name
    """The referenced table."""
    columns: list[Name] = Field(min_length=1)
    """The referenced columns, in order."""


class IndexColumn(Spec):
    """An index element: a column or an expression, with order, nulls and operator class."""

    column: Name | None = None
    """A column of the table."""
    expression: SqlText | None = None
    """Or an SQL expression, e.g. lower(email)."""
    order: Literal["asc", "desc"] | None = None
    """Sort order."""
    nulls: Literal["first", "last"] | None = None
    """NULLS FIRST / LAST."""
    opclass: Name | None = None
    """Operator class, e.g. jsonb_path_ops."""


class Index(Spec):
    """An index of a table or materialized view."""

    name: Name | None = None
    """Index name (default: Postgres's `<table>_<columns>_idx`)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    columns: list[Name | IndexColumn] = Field(min_length=1)
    """Columns (names) or elements ({column | expression, order, nulls, opclass})."""
    unique: bool = False
    """A unique index."""
    method: Literal["btree", "gin", "gist", "brin", "hash", "spgist"] = "btree"
    """Access method."""
    where: SqlText | None = None
    """Partial index: an SQL boolean expression."""
    include: list[Name] = []
    """INCLUDE columns (covering index)."""
    nulls_not_distinct: bool = False
    """NULLS NOT DISTINCT (unique indexes)."""
    comment: str | None = None
    """COMMENT ON INDEX."""
    serves: str | None = None
    """Documentation: the query this index exists for."""
    migration: int | None = None
    """Create it in a later migration than its table (that migration's number)."""


class Policy(Spec):
    """A row level security policy. ``using`` and ``with_check`` are SQL boolean expressions."""

    name: Name
    """Policy name (any text; quoted as needed)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    command: Literal["all", "select", "insert", "update", "delete"] = "all"
    """The command the policy applies to."""
    mode: Literal["permissive", "restrictive"] = "permissive"
    """Permissive policies are ORed, restrictive ones ANDed."""
    roles: list[Name] = ["public"]
    """TO roles; always name them (a policy without TO applies to every role)."""
    using: SqlText | None = None
    """USING: which existing rows are visible or affected (SQL boolean expression)."""
    with_check: SqlText | None = None
    """WITH CHECK: which new rows may be written (SQL boolean expression)."""
    comment: str | None = None
    """COMMENT ON POLICY."""
    description: str | None = None
    """Plain-words summary for the generated documentation."""
    migration: int | None = None
    """Create it in a later migration than its table (that migration's number)."""


class Rls(Spec):
    """Row level security switches of a table."""

    enable: bool = True
    """ENABLE ROW LEVEL SECURITY (the default)."""
    force: bool = False
    """FORCE ROW LEVEL SECURITY: the owner too."""


class Referencing(Spec):
    """Transition tables of an AFTER trigger: the rows a statement changed, as relations its function
    can read (`REFERENCING NEW TABLE AS newrows OLD TABLE AS oldrows`)."""

    new_table: Name | None = None
    """Name of the relation holding the new rows (insert and update triggers)."""
    old_table: Name | None = None
    """Name of the relation holding the old rows (update and delete triggers)."""


class Trigger(Spec):
    """A trigger; its function must return trigger."""

    name: Name
    """Trigger name."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    timing: Literal["before", "after", "instead of"]
    """before, after, or instead of (on views)."""
    events: list[Literal["insert", "update", "delete", "truncate"]] = Field(min_length=1)
    """The events that fire it."""
    update_of: list[Name] = []
    """UPDATE OF these columns only."""
    for_each: Literal["row", "statement"] = "row"
    """FOR EACH ROW or STATEMENT."""
    when: SqlText | None = None
    """WHEN: an SQL boolean expression (may use old and new)."""
    function: Name
    """The trigger function (must return trigger)."""
    arguments: list[str] = []
    """Literal arguments passed to the function."""
    constraint: bool = False
    """CREATE CONSTRAINT TRIGGER: an AFTER … FOR EACH ROW trigger that can be deferred to commit."""
    deferrable: bool = False
    """A constraint trigger that can be deferred (INITIALLY DEFERRED unless `initially: immediate`)."""
    initially: Literal["deferred", "immediate"] = "deferred"
    """INITIALLY DEFERRED or IMMEDIATE, when deferrable."""
    from_: Name | None = Field(None, alias="from")
    """FROM: the table a constraint trigger's constraint references (qualified, or in the trigger's
    schema; a table of the spec or an external one); Postgres drops the trigger with that table."""
    referencing: Referencing | None = None
    """Transition tables (AFTER triggers on one event, not constraint triggers, no `update_of`)."""
    comment: str | None = None
    """COMMENT ON TRIGGER."""
    migration: int | None = None
    """Create it in a later migration than its table (that migration's number)."""


class PartitionKey(Spec):
    """A partition key element that is an expression over the row."""

    expression: SqlText
    """One SQL expression over the row, e.g. `(created_at at time zone 'UTC')::date` (immutable, as
    Postgres requires; a table keyed by one has no primary key or unique constraint)."""


class PartitionBy(Spec):
    """How a partitioned table splits its rows: `PARTITION BY RANGE|LIST|HASH (key)`."""

    strategy: Literal["range", "list", "hash"]
    """range, list or hash."""
    columns: list[Name | PartitionKey] = Field(min_length=1)
    """The partition key: column names (the primary key and unique constraints must include them) or
    `{expression: …}` elements."""


class PartitionValues(Spec):
    """The bound of one partition: `from`/`to` (range), `in` (list) or `modulus`/`remainder` (hash)."""

    from_: list[str | int] | str | int | None = Field(None, alias="from")
    """Range: lower bound, inclusive (one value per key column; MINVALUE or MAXVALUE: below or above
    every value, and so are the values after it)."""
    to: list[str | int] | str | int | None = None
    """Range: upper bound, exclusive (one value per key column, or MINVALUE/MAXVALUE)."""
    in_: list[str | int] | None = Field(None, alias="in")
    """List: the values it holds."""
    modulus: int | None = None
    """Hash: the modulus."""
    remainder: int | None = None
    """Hash: the remainder."""


class Partition(Spec):
    """One partition: `CREATE TABLE name PARTITION OF parent FOR VALUES …` (or DEFAULT)."""

    name: Name
    """Partition name (in the parent's schema)."""
    values: PartitionValues | None = None
    """Its bound (none with `default: true`)."""
    default: bool = False
    """The default partition: rows no other partition takes."""
    partition_by: PartitionBy | None = None
    """A partition partitioned in turn (sub-partitions): how it splits its rows."""
    partitions: list[Partition] | PartitionSet = []
    """Its own partitions (with `partition_by`), one by one or with the monthly helper."""


class MonthlyRange(Spec):
    """Months `from` (inclusive) to `to` (exclusive), as `YYYY-MM`."""

    from_: str = Field(alias="from", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    """First month (YYYY-MM)."""
    to: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    """Month after the last one (YYYY-MM)."""


class PartitionSet(Spec):
    """The time-range helper: one range partition per month, named `<table>_yYYYYmMM`, and
    `<table>_default` with `default: true`."""

    monthly: MonthlyRange
    """The span of months."""
    default: bool = False
    """Also a default partition."""


class Table(Spec):
    """A table: columns, constraints, indexes, RLS, policies, triggers and grants."""

    name: Name
    """Table name (qualified, or with `schema:`)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    comment: str | None = None
    """COMMENT ON TABLE."""
    description: str | None = None
    """Longer prose for the generated documentation."""
    columns: list[Column] = Field(min_length=1)
    """The columns, in order."""
    primary_key: list[Name] = []
    """Primary key columns (or `primary_key: true` on one column)."""
    primary_key_comment: str | None = None
    """COMMENT ON CONSTRAINT of the primary key (changed in place: the key is kept)."""
    unique: list[Unique] = []
    """Unique constraints."""
    checks: list[Check] = []
    """CHECK constraints."""
    exclude: list[Exclude] = []
    """Exclusion constraints (EXCLUDE USING gist …), e.g. booking periods per room that must not overlap."""
    foreign_keys: list[ForeignKey] = []
    """Multi-column foreign keys."""
    indexes: list[Index] = []
    """Indexes."""
    rls: Rls | None = None
    """Row level security (enabled unless `enable: false`)."""
    realtime: bool = False
    """A member of Supabase's `supabase_realtime` publication."""
    policies: list[Policy] = []
    """Row level security policies."""
    triggers: list[Trigger] = []
    """Triggers."""
    grants: list[Grant] = []
    """Privileges granted after everything is revoked."""
    partition_by: PartitionBy | None = None
    """A partitioned table (`PARTITION BY`); its rows live in its `partitions`."""
    partitions: list[Partition] | PartitionSet = []
    """The partitions, one by one, or `{monthly: {from, to}, default: true}`."""


class Argument(Spec):
    """A function argument."""

    name: Name | None = None
    """Argument name."""
    type: Name
    """Postgres type."""
    default: SqlText | None = None
    """DEFAULT: an SQL expression."""
    mode: Literal["in", "out", "inout", "variadic"] = "in"
    """Argument mode."""


class ReturnColumn(Spec):
    """A column of RETURNS TABLE."""

    name: Name
    """Column name."""
    type: Name
    """Postgres type."""


class Function(Spec):
    """A SQL or PL/pgSQL function. Safe defaults: invoker rights, ``search_path = pg_catalog, pg_temp``.

    ``pg_temp`` last: with an empty path Postgres searches the session's temporary schema first
    for tables, so ``''`` is only safe when every name is qualified (pgspot PS004/PS005)."""

    name: Name
    """Function name (qualified, or with `schema:`)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    arguments: list[Argument] = []
    """Arguments, in order."""
    returns: Name | None = None
    """Return type: a type, `setof <type>`, `trigger`, or use `returns_table`."""
    returns_table: list[ReturnColumn] = []
    """RETURNS TABLE (columns)."""
    language: Literal["sql", "plpgsql"] = "sql"
    """sql or plpgsql."""
    body: Body
    """The function body (SQL or PL/pgSQL), dollar-quoted for you."""
    verbatim: bool = False
    """The body exactly as written, no newlines added around it (as `pull` reads a hand-written one)."""
    volatility: Literal["immutable", "stable", "volatile"] = "volatile"
    """Volatility."""
    security: Literal["invoker", "definer"] = "invoker"
    """SECURITY INVOKER (default) or DEFINER."""
    search_path: NameText | None = "pg_catalog, pg_temp"
    """SET search_path; "" gives an empty path (then qualify every name)."""
    strict: bool = False
    """STRICT: returns NULL on NULL input."""
    leakproof: bool = False
    """LEAKPROOF."""
    parallel: Literal["safe", "restricted", "unsafe"] = "unsafe"
    """PARALLEL safety."""
    grants: list[Grant] = []
    """Privileges granted after everything is revoked, e.g. [{privileges: [execute], to: [authenticated]}]."""
    comment: str | None = None
    """COMMENT ON FUNCTION."""
    description: str | None = None
    """Longer prose for the generated documentation."""


class Procedure(Spec):
    """A procedure (``CREATE PROCEDURE``), run with ``CALL``. Same safe defaults as a function: invoker
    rights, ``search_path = pg_catalog, pg_temp``, EXECUTE revoked from PUBLIC. A procedure that
    COMMITs inside its body needs `search_path: null` and invoker rights (Postgres refuses transaction
    control under SET options or SECURITY DEFINER)."""

    name: Name
    """Procedure name (qualified, or with `schema:`)."""
    renamed_from: Name | None = None
    """The old name: the next migration renames instead of drop + create."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    arguments: list[Argument] = []
    """Arguments, in order (in, inout, out or variadic)."""
    language: Literal["sql", "plpgsql"] = "sql"
    """sql or plpgsql."""
    body: Body
    """The procedure body (SQL or PL/pgSQL), dollar-quoted for you."""
    verbatim: bool = False
    """The body exactly as written, no newlines added around it."""
    security: Literal["invoker", "definer"] = "invoker"
    """SECURITY INVOKER (default) or DEFINER."""
    search_path: NameText | None = "pg_catalog, pg_temp"
    """SET search_path; "" gives an empty path; null sets none (needed for COMMIT in the body)."""
    grants: list[Grant] = []
    """Privileges granted after everything is revoked, e.g. [{privileges: [execute], to: [service_role]}]."""
    comment: str | None = None
    """COMMENT ON PROCEDURE."""
    description: str | None = None
    """Longer prose for the generated documentation."""


class ViewColumn(Spec):
    """Declared type of a view column, for database.types.ts when it cannot be inferred from the query."""

    name: Name
    """Column name."""
    type: Name
    """Postgres type."""
    nullable: bool = True
    """false types the column as non-null in TypedDatabase only."""
    shape: str | None = None
    """json/jsonb: a name under `types.definitions`, or TypeScript type text."""


class View(Spec):
    """A view; runs with the caller's rights (security_invoker) unless told otherwise."""

    name: Name
    """View name (qualified, or with `schema:`)."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    query: SqlText
    """The SELECT the view shows (one statement)."""
    security_invoker: bool = True
    """Run with the caller's rights, so RLS applies (the default)."""
    security_barrier: bool = False
    """security_barrier option."""
    check_option: Literal["local", "cascaded"] | None = None
    """WITH LOCAL / CASCADED CHECK OPTION."""
    triggers: list[Trigger] = []
    """INSTEAD OF triggers (make the view writable)."""
    columns: list[ViewColumn] = []
    """Optional column types for database.types.ts."""
    grants: list[Grant] = []
    """Privileges granted after everything is revoked."""
    comment: str | None = None
    """COMMENT ON VIEW."""
    description: str | None = None
    """Longer prose for the generated documentation."""


class MaterializedView(Spec):
    """A materialized view (no RLS: grant it to service_role only)."""

    name: Name
    """Materialized view name (qualified, or with `schema:`)."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    query: SqlText
    """The SELECT it stores (one statement)."""
    with_data: bool = True
    """WITH DATA (filled on creation)."""
    indexes: list[Index] = []
    """Indexes (a unique one is needed to refresh concurrently)."""
    columns: list[ViewColumn] = []
    """Optional column types for database.types.ts."""
    grants: list[Grant] = []
    """Privileges; materialized views have no RLS: never to anon or authenticated."""
    comment: str | None = None
    """COMMENT ON MATERIALIZED VIEW."""
    description: str | None = None
    """Longer prose for the generated documentation."""
    refresh: Literal["concurrently", "blocking"] = "concurrently"
    """How it is refreshed: concurrently (needs a unique index; readers are not blocked) or blocking."""


class Enum(Spec):
    """An enum type."""

    name: Name
    """Type name."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    values: list[Name] = Field(min_length=1)
    """The labels, in order."""
    comment: str | None = None
    """COMMENT ON TYPE."""
    grants: list[Grant] = []
    """Privileges granted after everything is revoked."""


class SchemaDecl(Spec):
    """A schema."""

    name: Name
    """Schema name."""
    comment: str | None = None
    """COMMENT ON SCHEMA."""
    grants: list[Grant] = []
    """e.g. [{privileges: [usage], to: [authenticated]}]."""


class Extension(Spec):
    """An extension."""

    name: Name
    """Extension name, e.g. citext."""
    schema_: Name | None = Field(None, alias="schema")
    """WITH SCHEMA."""
    version: Name | None = None
    """VERSION (default: the server's default version)."""
    comment: str | None = None
    """COMMENT ON EXTENSION, in place of the extension's own (from its control file), which is
    given back when the comment is removed."""


class Sequence(Spec):
    """A sequence."""

    name: Name
    """Sequence name."""
    schema_: Name = Field("public", alias="schema")
    """The schema (default public)."""
    type: Literal["smallint", "integer", "bigint"] = "bigint"
    """AS type."""
    start: BigInt | None = None
    """START WITH."""
    increment: BigInt = 1
    """INCREMENT BY (not 0; negative counts down)."""
    minvalue: BigInt | None = None
    """MINVALUE; left out: NO MINVALUE (1, or the type's lowest value when counting down)."""
    maxvalue: BigInt | None = None
    """MAXVALUE; left out: NO MAXVALUE (the type's highest value, or -1 when counting down)."""
    cache: int = Field(1, ge=1, le=2**63 - 1)
    """CACHE: how many values each session preallocates (1: none)."""
    cycle: bool = False
    """CYCLE: wrap around at the limit instead of failing."""
    owned_by: Name | None = None
    """OWNED BY `table.column` (a table of the spec in the sequence's schema): dropping the column
    or its table drops the sequence."""
    grants: list[Grant] = []
    """Privileges granted after everything is revoked."""
    comment: str | None = None
    """COMMENT ON SEQUENCE."""


class AttachedTrigger(Trigger):
    """A trigger on a table the spec does not create (``auth.users``): ``table`` names it."""

    table: Name
    """The table it is on, e.g. auth.users or storage.objects (listed under `external:`)."""


class AttachedPolicy(Policy):
    """A policy on a table the spec does not create (``storage.objects``): ``table`` names it."""

    table: Name
    """The table it is on, e.g. auth.users or storage.objects (listed under `external:`)."""


#: The longest migration name, in UTF-8 bytes: file systems hold names of 255 bytes, and the name
#: gets a prefix (``rollback_001_``, a Supabase version) and a suffix (``.sql``, ``.json``, ``.py``).
MAX_FILE_NAME = 200


class Migration(Spec):
    """A numbered migration and the objects it creates; file names derive from it."""

    number: int = Field(ge=1, le=999)
    """The migration's number: files are NNN_<name>.sql and rollback_NNN_<rollback_name>.sql."""
    name: Name
    """Name in the migration's file name."""
    rollback_name: Name | None = None
    """Name in the rollback's file name (default: name)."""
    description: str | None = None
    """Shown at the top of the migration."""
    schemas: list[SchemaDecl] = []
    """Schemas it creates."""
    extensions: list[Extension] = []
    """Extensions it creates."""
    enums: list[Enum] = []
    """Enum types it creates."""
    domains: list[Domain] = []
    """Domains it creates (a base type with NOT NULL, default and checks)."""
    composite_types: list[CompositeType] = []
    """Composite types it creates (CREATE TYPE … AS (attributes))."""
    sequences: list[Sequence] = []
    """Sequences it creates."""
    functions: list[Function] = []
    """Functions it creates."""
    procedures: list[Procedure] = []
    """Procedures it creates (CREATE PROCEDURE, run with CALL)."""
    tables: list[Table] = []
    """Tables it creates."""
    views: list[View] = []
    """Views it creates."""
    materialized_views: list[MaterializedView] = []
    """Materialized views it creates."""
    jobs: list[Job] = []
    """pg_cron jobs it schedules (see generator/ir/jobs.py)."""
    raw: list[RawSqlObject] = []
    """Raw SQL with explicit up and down, for what the spec language does not cover yet (see generator/ir/raw.py)."""
    triggers: list[AttachedTrigger] = []
    """Triggers on tables the spec does not create (under `external:`), e.g. auth.users."""
    policies: list[AttachedPolicy] = []
    """Policies on tables the spec does not create (under `external:`), e.g. storage.objects."""

    @field_validator("name", "rollback_name")
    @classmethod
    def _file_safe(cls, v: str | None) -> str | None:
        if v is not None and not all(c.isalnum() or c in "_-" for c in v):
            raise ValueError("must contain only letters, digits, '_' and '-' (it names a file)")
        if v is not None and len(v.encode("utf-8")) > MAX_FILE_NAME:  # with its prefix, the file name's 255
            raise ValueError(f"is {len(v.encode('utf-8'))} bytes; at most {MAX_FILE_NAME} (it names a file)")
        return v


class Privileges(Spec):
    """Who loses every privilege on each created object before its declared grants apply."""

    revoke_from: list[Name] = ["public", "anon", "authenticated", "service_role"]
    """Roles that lose every privilege on each created object first."""


class Outputs(Spec):
    """Which families of files ``generate`` writes besides the migrations."""

    types: bool = True
    """Write database.types.ts."""
    docs: bool = True
    """Write the Markdown documentation."""
    seed: bool = True
    """Write seed_test_data.sql from `fixtures:`."""
    layout: Literal["plain", "supabase"] = "plain"
    """`supabase`: also write a Supabase CLI project into out/supabase/ (migrations, rollbacks, seed, pgTAP tests)."""
    versions: dict[int, int] = {}
    """Migration number → its 14-digit Supabase CLI version (YYYYMMDDHHMMSS), required with layout: supabase."""
    sqlalchemy: bool = False
    """Write models.py: SQLAlchemy 2.x typed declarative models of the tables, views and enums."""
    alembic: bool = False
    """Write alembic/: an Alembic script directory (revisions 001…, alembic_utils entities, env.py)."""


JsonType = Literal["object", "array", "string", "number", "integer", "boolean", "null"]


class Shape(Spec):
    """The shape of a JSON value (a subset of JSON Schema), rendered as a TypeScript type.

    ``ref`` names another definition; ``ts`` is raw TypeScript for what the subset cannot say.
    As in JSON Schema, properties are optional unless listed in ``required`` and other keys are
    allowed unless ``additionalProperties: false``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    type: JsonType | list[JsonType] | None = None
    description: str | None = None
    properties: dict[str, Shape] = {}
    required: list[str] = []
    additional_properties: bool | Shape = Field(True, alias="additionalProperties")
    items: Shape | None = None
    enum: list[str | int | float | bool | None] | None = None
    const: str | int | float | bool | None = None
    any_of: list[Shape] = Field([], alias="anyOf")
    ref: str | None = None
    """The name of another definition under `types.definitions`."""
    ts: str | None = None
    """Raw TypeScript, for what the subset cannot say."""
    nullable: bool = False


class TypesConfig(Spec):
    """``types:``: what database.types.ts covers and the named TypeScript types it exports.

    ``definitions`` maps a type name (``Name`` or ``Name<T>``) to a :class:`Shape` or to TypeScript
    text; a column's ``shape:`` names one of them.
    """

    schemas: list[Name] = ["public"]
    """Schemas in database.types.ts (like `supabase gen types --schema`)."""
    definitions: dict[str, Shape | str] = {}
    """Named TypeScript types: a JSON Schema subset or TypeScript text; a column's `shape:` names one."""


class Project(Spec):
    """The project's name and description."""

    name: Name = "schema"
    """Project name (documentation)."""
    description: str | None = None
    """What this database is for (documentation)."""


class SpecFile(Spec):
    """The whole ``schema.yaml``."""

    version: Literal[1] = 1
    """The spec language version: 1."""
    project: Project = Project()
    """Name and description of the project."""
    roles: list[Name] = ["anon", "authenticated", "service_role"]
    """Roles that exist on the target; migrations never create them."""
    external: list[Name] = []
    """Relations and functions that exist on the target (Supabase's auth.users, auth.uid() are known)."""
    privileges: Privileges = Privileges()
    """What is revoked from whom before the declared grants apply."""
    outputs: Outputs = Outputs()
    """Which families of files `generate` writes besides the migrations."""
    types: TypesConfig = TypesConfig()
    """database.types.ts: schemas and named JSON shapes."""
    migrations: list[Migration] = Field(min_length=1)
    """The numbered migrations, each with the objects it creates."""
    fixtures: Fixtures | None = None
    """Seed and test data: table → row key → column → value."""
    tests: PolicyTests | None = None
    """Policy tests run by `schemagen verify`: actors, cases and a matrix."""
    lint: LintConfig | None = None
    """Lint configuration: exposed schemas and waivers."""


from .usertypes import CompositeType, Domain  # noqa: E402 - they build on Spec and Grant above

# Every model is built when first used (``defer_build``), not when its class is created: only
# SpecFile is validated, and building it builds what it holds in one validator; building the ~60
# classes one by one at import cost tens of milliseconds at every start. Nothing to rebuild here
# for the forward references (Domain, ForeignTarget, Shape...): they resolve when SpecFile is built.
