"""Policy tests declared in the spec (``tests:``): who does what to which relation, and what happens.

The shape mirrors the YAML; ``generator.ir.policycases`` checks names against the model and
the fixtures (with ``schema.yaml`` positions) and ``schemagen verify`` runs every case on Postgres.

```yaml
tests:
  actors:
    acme_owner: {user: acme_owner}              # a fixture row of `users`: authenticated, sub = its auth_id
    stranger:   {auth_id: {uuid: auth/nobody}}  # authenticated with an auth id that has no app user
    anon:       {role: anon}                    # no JWT subject
    service:    {role: service_role}
  cases:                                        # one actor, one statement, one expectation
    - name: member reads only own conversations
      as: acme_member
      select: conversations                     # or insert / update / delete: <relation>, call: <function>
      where: {user_id: acme_member}             # column = value (ANDed), or SQL text
      expect: [acme_member_sql, acme_member_archived]
  matrix:                                       # one statement, an expectation for every actor
    - update: conversations
      label: rename                             # optional; names the cases conversations/update/rename/<actor>
      set: {title: Renamed}
      expect:
        acme_owner: [acme_owner_pricing]        # exactly these fixture rows (selected, or affected)
        acme_member, acme_admin: []             # several actors, one expectation
        anon: denied                            # SQLSTATE 42501: no privilege, or a WITH CHECK violation
        service: 7                              # a number of rows (selected, returned or affected)
```

An expectation is a list of fixture row keys (``rows``), a number (``count``), ``denied``, or the
long form ``{rows: […]} | {count: n} | {affected: n} | {denied: true} | {error: 23505}`` (a SQLSTATE
or a condition name such as ``unique_violation``). Rows of a table are named by its primary key; rows
of a view or a function's result by one column: ``key: {user_id: users}``. ``setup: [SQL, …]`` runs
first in the case's transaction as the connecting user (e.g. to refresh a materialized view).
A value (``values``, ``set``, ``where``, ``args``) is a plain YAML value, ``{uuid: name}``,
``{sql: expression}``, ``{row: table/key}`` (the primary key of a fixture row), or, in a foreign-key
or primary-key column, the key of a fixture row of the table it references.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .text import Name

COMMANDS = ("select", "insert", "update", "delete", "call")


class _Spec(BaseModel):
    # defer_build, no use_attribute_docstrings: see the Spec class of generator/spec/models.py
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)


class Actor(_Spec):
    """Who runs a case: a fixture user, a bare auth id, or just a database role."""

    user: Name | None = None
    """Key of a fixture row of `tests.users.table`: authenticated, JWT sub = its auth id."""
    auth_id: Any = None
    """The JWT `sub`: uuid text or {uuid: name}; authenticated, with no app user needed."""
    role: Name | None = None
    """Database role (default authenticated when user or auth_id is given), e.g. anon, service_role."""
    claims: dict[str, Any] = {}
    """Extra JWT claims."""

    @model_validator(mode="after")
    def _one_identity(self) -> Actor:
        if self.user is not None and self.auth_id is not None:
            raise ValueError("give either `user` or `auth_id`, not both")
        if self.user is None and self.auth_id is None and self.role is None:
            raise ValueError("an actor needs `user`, `auth_id` or `role`")
        return self


class Expected(_Spec):
    """The long form of an expectation; exactly one key."""

    rows: list[Name] | None = None
    count: int | None = Field(None, ge=0)
    affected: int | None = Field(None, ge=0)
    denied: Literal[True] | None = None
    error: str | None = None  # a SQLSTATE such as 23505

    @model_validator(mode="after")
    def _exactly_one(self) -> Expected:
        given = [k for k in ("rows", "count", "affected", "denied", "error") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an expectation has exactly one of rows, count, affected, denied, error")
        return self


_EXPECTATION = ("an expectation is a list of fixture row keys, a number of rows, `denied`, or one of "
                "{rows: [...]}, {count: n}, {affected: n}, {denied: true}, {error: SQLSTATE}")


def _expectation(value: Any) -> Any:
    """One clear message for a bad expectation instead of one per union member."""
    if value == "denied" or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return value
    if isinstance(value, dict):
        try:
            return Expected.model_validate(value)
        except ValidationError as exc:
            raise ValueError(f"{_EXPECTATION} ({exc.errors()[0]['msg'].removeprefix('Value error, ')})") from None
    raise ValueError(f"{_EXPECTATION}; got {value!r}")


Expectation = Annotated[Any, BeforeValidator(_expectation)]


class Statement(_Spec):
    """What a case runs: one command key naming the relation (or function) and its inputs."""

    select: Name | None = None
    """Select from this relation."""
    insert: Name | None = None
    """Insert into this relation."""
    update: Name | None = None
    """Update this relation."""
    delete: Name | None = None
    """Delete from this relation."""
    call: Name | None = None
    """Call this function."""
    where: str | dict[str, Any] | None = None
    """SQL text, or column → value (ANDed equalities)."""
    values: dict[str, Any] | None = None
    """insert: column → value."""
    set: dict[str, Any] | None = None
    """update: column → value."""
    args: dict[str, Any] | list[Any] | None = None
    """call: arguments by name, or in order."""
    key: dict[str, Name] | None = None
    """Result column → fixture table whose row keys the expectation lists."""
    setup: list[str] = []
    """SQL run first, in the case's transaction, as the connecting user."""

    @model_validator(mode="after")
    def _one_command(self) -> Statement:
        given = [c for c in COMMANDS if getattr(self, c) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(COMMANDS)}")
        return self

    @property
    def command(self) -> str:
        """select, insert, update, delete or call."""
        return next(c for c in COMMANDS if getattr(self, c) is not None)

    @property
    def target(self) -> str:
        """The relation or function the command names."""
        return str(getattr(self, self.command))


class Case(Statement):
    """One actor, one statement, one expectation."""

    name: Name
    """The case's name, printed when it fails."""
    as_: Name = Field(alias="as")
    """The actor that runs it."""
    expect: Expectation
    """Fixture row keys, a number of rows, `denied`, or {rows | count | affected | denied | error}."""


class MatrixRow(Statement):
    """One statement run by several actors, each with its own expectation.

    Keys of ``expect`` are actor names; ``a, b`` gives several actors the same expectation. Cases
    are named ``<target>/<command>[/<label>]/<actor>``.
    """

    label: Name | None = None
    """Names the cases <target>/<command>/<label>/<actor>; needed when two rows share a target and command."""
    expect: dict[str, Expectation] = Field(min_length=1)
    """Actor (or `a, b, c`) → expectation: fixture row keys, a number of rows, `denied`, or the long form."""
    partial: bool = False
    """true: not every actor needs an expectation."""


class UsersConfig(_Spec):
    """Where ``{user: key}`` actors are found: the fixture table and its auth-id column."""

    table: Name = "users"
    """The fixture table of app users."""
    auth_id: Name = "auth_id"
    """Its column holding the auth id (JWT sub)."""


class PolicyTests(_Spec):
    """``tests:``: actors, single cases and matrix rows, run by ``schemagen verify``.

    ``complete: true`` makes it an error when some exposed relation × command (or exposed function)
    has no case, so a new table cannot slip in untested.
    """

    actors: dict[str, Actor] = Field(min_length=1)
    """Who runs the cases, by name."""
    users: UsersConfig = UsersConfig()
    """Where `{user: key}` actors are found."""
    cases: list[Case] = []
    """Single cases: one actor, one statement, one expectation."""
    matrix: list[MatrixRow] = []
    """One statement per row, an expectation for every actor."""
    setup: list[str] = []
    """SQL run at the start of every case's transaction (e.g. refresh a materialized view)."""
    complete: bool = False
    """Error when an exposed relation × command or callable function has no case."""
    schemas: list[Name] = ["public"]
    """The API-exposed schemas `complete` covers."""
