"""Input types of the spec language: they mirror schema.yaml one to one.

These are *input* shapes only (habit 1): names as the user wrote them, SQL as text, defaults
that make the safe choice the easy one. ``generator.ir.build`` turns them into the model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .fixtures import Fixtures
from .lintcfg import LintConfig
from .policytests import PolicyTests

SqlText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Body = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]  # kept as written: see Function.verbatim
Name = Annotated[str, Field(min_length=1)]
FkAction = Literal["no action", "restrict", "cascade", "set null", "set default"]
Privilege = Literal[
    "all", "select", "insert", "update", "delete", "truncate", "references", "trigger",
    "usage", "execute", "create", "maintain",  # maintain: PostgreSQL 17+
]


class Spec(BaseModel):
    """Common configuration: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Grant(Spec):
    """``GRANT privileges [(columns)] ON <the object> TO roles``."""

    privileges: list[Privilege] = Field(min_length=1)
    to: list[Name] = Field(min_length=1)
    columns: list[Name] = []
    with_grant_option: bool = False


class Reference(Spec):
    """A column-level foreign key: ``references: {table: users, on_delete: cascade}``."""

    table: Name
    column: Name = "id"
    name: Name | None = None
    on_delete: FkAction = "no action"
    on_update: FkAction = "no action"
    deferrable: bool = False
    initially: Literal["deferred", "immediate"] = "deferred"  # when deferrable


class Column(Spec):
    """One table column. ``default``, ``check`` and ``generated`` are SQL expressions."""

    name: Name
    renamed_from: Name | None = None  # the old name: the next migration renames instead of drop + create
    type: Name
    collation: Name | None = None  # COLLATE: a collation name, `schema.name` when not in pg_catalog
    nullable: bool = True
    default: SqlText | None = None
    identity: Literal["always", "by default"] | None = None
    generated: SqlText | None = None
    primary_key: bool = False
    unique: bool = False
    check: SqlText | None = None
    references: Reference | None = None
    comment: str | None = None
    shape: str | None = None  # json/jsonb: a name under `types.definitions`, or TypeScript type text
    sequence_grants: list[Grant] = []  # identity columns: grants on their sequence (revoked like the table)


class Unique(Spec):
    name: Name | None = None
    columns: list[Name] = Field(min_length=1)
    nulls_not_distinct: bool = False


class Check(Spec):
    name: Name | None = None
    expression: SqlText


class ForeignKey(Spec):
    name: Name | None = None
    columns: list[Name] = Field(min_length=1)
    references: ForeignTarget
    on_delete: FkAction = "no action"
    on_update: FkAction = "no action"
    deferrable: bool = False
    initially: Literal["deferred", "immediate"] = "deferred"  # when deferrable


class ForeignTarget(Spec):
    table: Name
    columns: list[Name] = Field(min_length=1)


class IndexColumn(Spec):
    """An index element: a column or an expression, with order, nulls and operator class."""

    column: Name | None = None
    expression: SqlText | None = None
    order: Literal["asc", "desc"] | None = None
    nulls: Literal["first", "last"] | None = None
    opclass: Name | None = None


class Index(Spec):
    name: Name | None = None
    renamed_from: Name | None = None  # the old name: the next migration renames instead of drop + create
    columns: list[Name | IndexColumn] = Field(min_length=1)
    unique: bool = False
    method: Literal["btree", "gin", "gist", "brin", "hash", "spgist"] = "btree"
    where: SqlText | None = None
    include: list[Name] = []
    nulls_not_distinct: bool = False
    comment: str | None = None
    serves: str | None = None  # the query this index exists for (documentation)
    migration: int | None = None  # create it in a later migration than its table


class Policy(Spec):
    """A row level security policy. ``using`` and ``with_check`` are SQL boolean expressions."""

    name: Name
    renamed_from: Name | None = None  # the old name: the next migration renames instead of drop + create
    command: Literal["all", "select", "insert", "update", "delete"] = "all"
    mode: Literal["permissive", "restrictive"] = "permissive"
    roles: list[Name] = ["public"]
    using: SqlText | None = None
    with_check: SqlText | None = None
    comment: str | None = None
    description: str | None = None
    migration: int | None = None  # create it in a later migration than its table


class Rls(Spec):
    enable: bool = True
    force: bool = False


class Trigger(Spec):
    name: Name
    renamed_from: Name | None = None  # the old name: the next migration renames instead of drop + create
    timing: Literal["before", "after", "instead of"]
    events: list[Literal["insert", "update", "delete", "truncate"]] = Field(min_length=1)
    update_of: list[Name] = []
    for_each: Literal["row", "statement"] = "row"
    when: SqlText | None = None
    function: Name
    arguments: list[str] = []
    comment: str | None = None
    migration: int | None = None  # create it in a later migration than its table


class Table(Spec):
    name: Name
    renamed_from: Name | None = None  # the old name: the next migration renames instead of drop + create
    schema_: Name = Field("public", alias="schema")
    comment: str | None = None
    description: str | None = None
    columns: list[Column] = Field(min_length=1)
    primary_key: list[Name] = []
    unique: list[Unique] = []
    checks: list[Check] = []
    foreign_keys: list[ForeignKey] = []
    indexes: list[Index] = []
    rls: Rls | None = None
    realtime: bool = False  # a member of Supabase's `supabase_realtime` publication
    policies: list[Policy] = []
    triggers: list[Trigger] = []
    grants: list[Grant] = []


class Argument(Spec):
    name: Name | None = None
    type: Name
    default: SqlText | None = None
    mode: Literal["in", "out", "inout", "variadic"] = "in"


class ReturnColumn(Spec):
    name: Name
    type: Name


class Function(Spec):
    """A SQL or PL/pgSQL function. Safe defaults: invoker rights, ``search_path = pg_catalog, pg_temp``.

    ``pg_temp`` last: with an empty path Postgres searches the session's temporary schema first
    for tables, so ``''`` is only safe when every name is qualified (pgspot PS004/PS005)."""

    name: Name
    renamed_from: Name | None = None  # the old name: the next migration renames instead of drop + create
    schema_: Name = Field("public", alias="schema")
    arguments: list[Argument] = []
    returns: Name | None = None
    returns_table: list[ReturnColumn] = []
    language: Literal["sql", "plpgsql"] = "sql"
    body: Body
    verbatim: bool = False  # the body exactly as written, no newlines added around it (as `pull` reads it)
    volatility: Literal["immutable", "stable", "volatile"] = "volatile"
    security: Literal["invoker", "definer"] = "invoker"
    search_path: str | None = "pg_catalog, pg_temp"
    strict: bool = False
    leakproof: bool = False
    parallel: Literal["safe", "restricted", "unsafe"] = "unsafe"
    grants: list[Grant] = []
    comment: str | None = None
    description: str | None = None


class ViewColumn(Spec):
    """Declared type of a view column, for database.types.ts when it cannot be inferred from the query."""

    name: Name
    type: Name
    nullable: bool = True  # false types the column as non-null in TypedDatabase only
    shape: str | None = None


class View(Spec):
    name: Name
    schema_: Name = Field("public", alias="schema")
    query: SqlText
    security_invoker: bool = True
    security_barrier: bool = False
    check_option: Literal["local", "cascaded"] | None = None
    triggers: list[Trigger] = []  # INSTEAD OF triggers make a view writable
    columns: list[ViewColumn] = []  # optional column types for database.types.ts
    grants: list[Grant] = []
    comment: str | None = None
    description: str | None = None


class MaterializedView(Spec):
    name: Name
    schema_: Name = Field("public", alias="schema")
    query: SqlText
    with_data: bool = True
    indexes: list[Index] = []
    columns: list[ViewColumn] = []  # optional column types for database.types.ts
    grants: list[Grant] = []
    comment: str | None = None
    description: str | None = None
    refresh: Literal["concurrently", "blocking"] = "concurrently"


class Enum(Spec):
    name: Name
    schema_: Name = Field("public", alias="schema")
    values: list[Name] = Field(min_length=1)
    comment: str | None = None
    grants: list[Grant] = []


class SchemaDecl(Spec):
    name: Name
    comment: str | None = None
    grants: list[Grant] = []


class Extension(Spec):
    name: Name
    schema_: Name | None = Field(None, alias="schema")
    version: Name | None = None  # default: the server's default version


class Sequence(Spec):
    name: Name
    schema_: Name = Field("public", alias="schema")
    type: Literal["smallint", "integer", "bigint"] = "bigint"
    start: int | None = None
    increment: int = 1
    grants: list[Grant] = []
    comment: str | None = None


class AttachedTrigger(Trigger):
    """A trigger on a table the spec does not create (``auth.users``): ``table`` names it."""

    table: Name


class AttachedPolicy(Policy):
    """A policy on a table the spec does not create (``storage.objects``): ``table`` names it."""

    table: Name


class Migration(Spec):
    """A numbered migration and the objects it creates; file names derive from it."""

    number: int = Field(ge=1, le=999)
    name: Name
    rollback_name: Name | None = None
    description: str | None = None
    schemas: list[SchemaDecl] = []
    extensions: list[Extension] = []
    enums: list[Enum] = []
    sequences: list[Sequence] = []
    functions: list[Function] = []
    tables: list[Table] = []
    views: list[View] = []
    materialized_views: list[MaterializedView] = []
    # on tables the spec does not create (listed under `external:`), e.g. auth.users, storage.objects
    triggers: list[AttachedTrigger] = []
    policies: list[AttachedPolicy] = []

    @field_validator("name", "rollback_name")
    @classmethod
    def _file_safe(cls, v: str | None) -> str | None:
        if v is not None and not all(c.isalnum() or c in "_-" for c in v):
            raise ValueError("must contain only letters, digits, '_' and '-' (it names a file)")
        return v


class Privileges(Spec):
    """Who loses every privilege on each created object before its declared grants apply."""

    revoke_from: list[Name] = ["public", "anon", "authenticated", "service_role"]


class Outputs(Spec):
    """Which families of files ``generate`` writes besides the migrations."""

    types: bool = True
    docs: bool = True
    seed: bool = True


JsonType = Literal["object", "array", "string", "number", "integer", "boolean", "null"]


class Shape(Spec):
    """The shape of a JSON value (a subset of JSON Schema), rendered as a TypeScript type.

    ``ref`` names another definition; ``ts`` is raw TypeScript for what the subset cannot say.
    As in JSON Schema, properties are optional unless listed in ``required`` and other keys are
    allowed unless ``additionalProperties: false``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

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
    ts: str | None = None
    nullable: bool = False


class TypesConfig(Spec):
    """``types:``: what database.types.ts covers and the named TypeScript types it exports.

    ``definitions`` maps a type name (``Name`` or ``Name<T>``) to a :class:`Shape` or to TypeScript
    text; a column's ``shape:`` names one of them.
    """

    schemas: list[Name] = ["public"]  # like `supabase gen types --schema`
    definitions: dict[str, Shape | str] = {}


class Project(Spec):
    name: Name = "schema"
    description: str | None = None


class SpecFile(Spec):
    """The whole ``schema.yaml``."""

    version: Literal[1] = 1
    project: Project = Project()
    roles: list[Name] = ["anon", "authenticated", "service_role"]
    external: list[Name] = []  # relations/functions that exist on the target (e.g. auth.uid)
    privileges: Privileges = Privileges()
    outputs: Outputs = Outputs()
    types: TypesConfig = TypesConfig()
    migrations: list[Migration] = Field(min_length=1)
    fixtures: Fixtures | None = None
    tests: PolicyTests | None = None
    lint: LintConfig | None = None


ForeignKey.model_rebuild()
Shape.model_rebuild()
