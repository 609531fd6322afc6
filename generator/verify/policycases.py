"""The spec's ``tests:`` checked against the model and fixtures, expanded into runnable cases.

Pure data, no database: ``generate`` calls :func:`compile_policy_tests` so a misspelt actor,
relation, column or fixture key is a located spec error before any Postgres is started, and
``generator.verify.policytests`` runs the cases it returns.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Pos, Problem, SpecError
from ..ir.ids import ObjectId
from ..ir.model import ForeignKeyIR, FunctionIR, MaterializedViewIR, Model, SequenceIR, TableIR, ViewIR
from ..ir.sql import expression_refs, statement_refs
from ..kinds import Kind, kinds_with_columns
from ..render.fixtures import Expression, FixtureSet, derived_uuid, resolve_fixtures
from ..spec import LoadedSpec
from ..spec.policytests import Actor as ActorSpec
from ..spec.policytests import Expected, MatrixRow, PolicyTests, Statement

DML = ("insert", "update", "delete")
_SQLSTATE = re.compile(r"[0-9A-Z]{5}\Z")
_JSON_TYPES = ("json", "jsonb")

Path = tuple[str | int, ...]


# --- compiled cases -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Param:
    """A value passed as a query parameter; ``json`` wraps it as jsonb, ``cast`` adds ``::type``."""

    value: Any
    json: bool = False
    cast: str | None = None


@dataclass(frozen=True, slots=True)
class Raw:
    """A ``{sql: …}`` value: SQL the spec author wrote, inserted as written."""

    sql: str


Value = Param | Raw


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """A database role and the JWT claims set for it (``sub`` for an authenticated user)."""

    name: str
    role: str
    claims: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Expect:
    """``kind`` is rows, count, denied or error; ``rows`` are fixture keys, ``error`` a SQLSTATE or name."""

    kind: str
    rows: frozenset[str] = frozenset()
    count: int = 0
    error: str = ""

    def text(self) -> str:
        if self.kind == "rows":
            return f"rows [{', '.join(sorted(self.rows))}]"
        if self.kind == "count":
            return f"{self.count} row{'s' if self.count != 1 else ''}"
        if self.kind == "denied":
            return "denied (42501)"
        return f"error {self.error}"


@dataclass(frozen=True, slots=True, kw_only=True)
class RowKeys:
    """How result rows map to fixture keys: ``columns`` of the result → key of a fixture row."""

    table: ObjectId  # the fixture table the keys belong to
    columns: tuple[str, ...]  # result columns holding that table's primary key
    keys: Mapping[tuple[str, ...], str]  # primary-key values (as text) → fixture row key


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One runnable case: an actor, one statement, one expectation, and where it was declared."""

    name: str
    actor: Actor
    command: str  # select, insert, update, delete, call
    target: ObjectId
    where_sql: str | None = None
    where: tuple[tuple[str, Value | None], ...] = ()
    values: tuple[tuple[str, Value], ...] = ()  # insert values / update set
    args: tuple[tuple[str | None, Value], ...] = ()
    expect: Expect
    row_keys: RowKeys | None = None
    setup: tuple[str, ...] = ()  # SQL run first, as the connecting user
    pos: Pos = field(compare=False)


# --- the compiler ---------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, model: Model, loaded: LoadedSpec, tests: PolicyTests) -> None:
        self.model = model
        self.loaded = loaded
        self.tests = tests
        self.problems: list[Problem] = []
        self.fixtures: FixtureSet = resolve_fixtures(model, loaded)
        self.actors: dict[str, Actor] = {}
        self._view_columns: dict[ObjectId, tuple[str, ...]] | None = None
        self._view_origins: dict[tuple[ObjectId, str], tuple[ObjectId, str]] = {}
        self.global_setup = self.setup(tests.setup, ("setup",))

    def error(self, path: Path, message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.problems.append(Problem(self.loaded.pos(("tests", *path), key=key), message, hint))

    # -- actors ----------------------------------------------------------------------------------
    def actor(self, name: str, spec: ActorSpec, path: Path) -> Actor | None:
        role = spec.role or "authenticated"
        known_roles = {r.lower() for r in self.loaded.spec.roles}
        if role.lower() not in known_roles:
            self.error((*path, "role"), f"actor {name!r}: unknown role {role!r}",
                       f"roles of the spec: {', '.join(self.loaded.spec.roles)}")
            return None
        claims: dict[str, Any] = {"role": role}
        if spec.user is not None:
            sub = self.user_auth_id(name, spec.user, (*path, "user"))
            if sub is None:
                return None
            claims["sub"] = sub
        elif spec.auth_id is not None:
            raw = spec.auth_id
            if isinstance(raw, dict) and set(raw) == {"uuid"}:
                claims["sub"] = derived_uuid(str(raw["uuid"]))
            elif isinstance(raw, str | uuid.UUID):
                claims["sub"] = str(raw)
            else:
                self.error((*path, "auth_id"), f"actor {name!r}: auth_id is a uuid or {{uuid: <name>}}")
                return None
        claims.update(spec.claims)
        return Actor(name=name, role=role, claims=claims)

    def user_auth_id(self, actor: str, key: str, path: Path) -> str | None:
        cfg = self.tests.users
        schema, _, table = cfg.table.rpartition(".")
        fx = self.fixtures.table(table, schema or "public")
        if fx is None:
            self.error(path, f"actor {actor!r}: no fixture rows of table {cfg.table!r} to take users from",
                       "declare them under `fixtures:`, or set `tests.users.table`")
            return None
        row = next((r for r in fx.rows if r.key == key), None)
        if row is None:
            self.error(path, f"actor {actor!r}: no fixture row {key!r} in {fx.table.id.qualified}",
                       f"rows: {', '.join(r.key for r in fx.rows)}")
            return None
        value = row.values.get(cfg.auth_id)
        if value is None or isinstance(value, Expression):
            self.error(path, f"actor {actor!r}: fixture row {key!r} has no plain value in column {cfg.auth_id!r}",
                       "give it a uuid or {uuid: <name>}; `tests.users.auth_id` names the column")
            return None
        return str(value)

    # -- targets ---------------------------------------------------------------------------------
    def find(self, stmt: Statement,
             path: Path) -> FunctionIR | TableIR | ViewIR | MaterializedViewIR | SequenceIR | None:
        name, command = stmt.target, stmt.command
        schema, _, rel = name.rpartition(".")
        schema = schema or "public"
        if command == "call":
            found = [o for o in self.model.of_kind(Kind.FUNCTION)
                     if isinstance(o, FunctionIR) and o.id.schema == schema and o.id.name == rel]
            if len(found) == 1:
                return found[0]
            known = ", ".join(sorted({o.id.qualified for o in self.model.of_kind(Kind.FUNCTION)})) or "none"
            what = "is overloaded; tests call one function by name" if found else "unknown function"
            self.error((*path, command), f"{what} {name!r}", f"functions: {known}")
            return None
        for kind in kinds_with_columns():
            obj = self.model.objects.get(ObjectId(kind, schema, rel))
            if obj is not None:
                if isinstance(obj, MaterializedViewIR) and command != "select":
                    self.error((*path, command), f"{command} on materialized view {name!r}: only select is tested")
                    return None
                assert isinstance(obj, TableIR | ViewIR | MaterializedViewIR | SequenceIR)  # the kinds with columns
                return obj
        known = ", ".join(sorted(o.id.qualified for o in self.model.of_kind(*kinds_with_columns()))) or "none"
        self.error((*path, command), f"unknown relation {name!r}", f"relations: {known}")
        return None

    def columns(self, obj: Any) -> tuple[str, ...] | None:
        """Column names of a relation or result columns of a function; None when unknown."""
        if isinstance(obj, TableIR):
            return tuple(c.name for c in obj.columns)
        if isinstance(obj, FunctionIR):
            if obj.returns_table:
                return tuple(n for n, _t in obj.returns_table)
            outs = tuple(a.name for a in obj.arguments if a.mode in ("out", "inout") and a.name)
            return outs or None
        if self._view_columns is None:
            from ..render.viewcols import infer_views

            try:
                inferred = infer_views(self.model)
            except SpecError:
                inferred = {}
            self._view_columns = {i: tuple(c.name for c in v.columns) for i, v in inferred.items()}
            self._view_origins = {(i, c.name): c.origin for i, v in inferred.items() for c in v.columns if c.origin}
        return self._view_columns.get(obj.id) or None

    # -- values ----------------------------------------------------------------------------------
    def fixture_pk(self, table: ObjectId, key: str) -> Any:
        fx = self.fixtures.table(table.name, table.schema)
        if fx is None or len(fx.primary_key) != 1:
            return None
        row = next((r for r in fx.rows if r.key == key), None)
        return None if row is None else row.values.get(fx.primary_key[0])

    def value(self, raw: Any, path: Path, *, column: str | None = None, table: Any = None,
              cast: str | None = None) -> Value | None:
        """A value of ``values``/``set``/``where`` (for ``column`` of ``table``) or of ``args``."""
        if isinstance(table, ViewIR) and column is not None:
            table, column = self.base_column(table, column)
        ctype = ""
        if isinstance(table, TableIR) and column is not None and (col := table.column(column)) is not None:
            ctype = col.type.lower()
        if ctype in _JSON_TYPES:
            return Param(raw, json=True)
        if isinstance(raw, dict):
            if set(raw) == {"sql"} and isinstance(raw["sql"], str):
                refs = expression_refs(raw["sql"])
                if refs.error:
                    self.error((*path, "sql"), refs.error)
                    return None
                return Raw(raw["sql"].strip())
            if set(raw) == {"uuid"} and raw["uuid"] is not None:
                return Param(derived_uuid(str(raw["uuid"])), cast=cast)
            if set(raw) == {"row"} and isinstance(raw["row"], str) and "/" in raw["row"]:
                return self.row_ref(raw["row"], (*path, "row"), cast)
            self.error(path, "a mapping value is {sql: <expression>}, {uuid: <name>} or {row: <table>/<key>} "
                             "(only json/jsonb columns take any YAML value)")
            return None
        if isinstance(raw, str) and isinstance(table, TableIR) and column is not None:
            target = self.key_target(table, column)
            if target is not None:
                pk = self.fixture_pk(target, raw)
                if pk is not None:
                    return Param(pk, cast=cast)
        if isinstance(raw, list):
            return Param([_plain(v) for v in raw], cast=cast)
        return Param(_plain(raw), cast=cast)

    def base_column(self, view: ViewIR, column: str) -> tuple[Any, str]:
        """The table and column a plain view column reads (so fixture keys resolve through views)."""
        self.columns(view)
        origin = self._view_origins.get((view.id, column))
        if origin is None:
            return view, column
        obj = self.model.objects.get(origin[0])
        return (obj, origin[1]) if isinstance(obj, TableIR) else (view, column)

    def row_ref(self, ref: str, path: Path, cast: str | None) -> Value | None:
        name, _, key = ref.rpartition("/")
        schema, _, rel = name.rpartition(".")
        fx = self.fixtures.table(rel, schema or "public")
        if fx is None:
            known = ", ".join(t.table.id.qualified for t in self.fixtures.tables) or "none"
            self.error(path, f"no fixture rows of table {name!r}", f"fixture tables: {known}")
            return None
        pk = self.fixture_pk(fx.table.id, key)
        if pk is None:
            self.error(path, f"no fixture row {key!r} with a one-column primary key in {fx.table.id.qualified}",
                       f"rows: {', '.join(r.key for r in fx.rows)}")
            return None
        return Param(pk, cast=cast)

    def key_target(self, table: TableIR, column: str) -> ObjectId | None:
        """The table whose fixture keys ``column`` accepts: its FK target, or the table for its pk."""
        for fk in self.model.children(table.id, Kind.CONSTRAINT):
            if isinstance(fk, ForeignKeyIR) and fk.columns == (column,):
                return fk.target
        if table.primary_key is not None and table.primary_key.columns == (column,):
            return table.id
        return None

    def column_values(self, mapping: Mapping[str, Any], obj: Any, path: Path, what: str,
                      *, nullable: bool = False) -> tuple[tuple[str, Any], ...]:
        known = self.columns(obj)
        out: list[tuple[str, Any]] = []
        for col, raw in mapping.items():
            if known is not None and col not in known:
                self.error((*path, col), f"{what}: unknown column {col!r} of {obj.id.qualified}",
                           f"columns: {', '.join(known)}", key=True)
                continue
            if raw is None and nullable:
                out.append((col, None))
                continue
            v = self.value(raw, (*path, col), column=col, table=obj)
            if v is not None:
                out.append((col, v))
        return tuple(out)

    def arguments(self, fn: FunctionIR, args: Any, path: Path) -> tuple[tuple[str | None, Value], ...]:
        inputs = [a for a in fn.arguments if a.mode in ("in", "inout", "variadic")]
        out: list[tuple[str | None, Value]] = []
        if isinstance(args, list):
            if len(args) > len(inputs):
                self.error(path, f"{fn.id.qualified} takes {len(inputs)} arguments, {len(args)} given")
                return ()
            for i, (arg, raw) in enumerate(zip(inputs, args, strict=False)):
                v = self.value(raw, (*path, i), cast=arg.type)
                if v is not None:
                    out.append((None, v))
            return tuple(out)
        by_name = {a.name: a for a in inputs if a.name}
        for name, raw in (args or {}).items():
            named = by_name.get(name)
            if named is None:
                self.error((*path, name), f"{fn.id.qualified} has no argument {name!r}",
                           f"arguments: {', '.join(by_name) or 'none'}", key=True)
                continue
            v = self.value(raw, (*path, name), cast=named.type)
            if v is not None:
                out.append((name, v))
        return tuple(out)

    # -- expectations ----------------------------------------------------------------------------
    def expectation(self, raw: Any, command: str, path: Path) -> Expect | None:
        if isinstance(raw, Expected):
            if raw.rows is not None:
                raw = raw.rows
            elif raw.denied:
                raw = "denied"
            elif raw.error is not None:
                if not (_SQLSTATE.match(raw.error) or re.fullmatch(r"[a-z_]+", raw.error)):
                    self.error((*path, "error"), f"{raw.error!r} is not a SQLSTATE (23505) or condition name")
                    return None
                return Expect(kind="error", error=raw.error)
            elif raw.affected is not None:
                if command not in DML:
                    self.error((*path, "affected"), f"`affected` is for insert, update and delete; use `count` "
                                                    f"for {command}")
                    return None
                raw = raw.affected
            else:
                raw = raw.count
        if raw == "denied":
            return Expect(kind="denied")
        if isinstance(raw, int):
            return Expect(kind="count", count=raw)
        if command == "insert":
            self.error(path, "an insert expects a number of rows (affected), `denied` or an error, not rows",
                       "inserted rows are new: they have no fixture key")
            return None
        return Expect(kind="rows", rows=frozenset(raw))

    def row_keys(self, stmt: Statement, obj: Any, expect: Expect, path: Path, spath: Path) -> RowKeys | None:
        """How to identify the rows a ``rows`` expectation lists; reports unknown keys."""
        if stmt.key:
            if len(stmt.key) != 1:
                self.error((*spath, "key"), "`key` maps one result column to one fixture table")
                return None
            column, table_name = next(iter(stmt.key.items()))
            known = self.columns(obj)
            if known is not None and column not in known:
                self.error((*spath, "key", column), f"key: {obj.id.qualified} has no column {column!r}",
                           f"columns: {', '.join(known)}", key=True)
                return None
            if stmt.command in DML:
                self.error((*spath, "key"), f"`key` is for select and call; {stmt.command} compares the "
                                                "rows of its table by primary key")
                return None
            schema, _, rel = table_name.rpartition(".")
            fx = self.fixtures.table(rel, schema or "public")
            columns: tuple[str, ...] = (column,)
        else:
            if not isinstance(obj, TableIR):
                self.error(path, f"rows of {obj.id.qualified} need `key: {{<column>: <fixture table>}}` to be "
                                 "named by fixture keys", "or expect a count")
                return None
            fx = self.fixtures.table(obj.id.name, obj.id.schema)
            table_name = obj.id.qualified
            columns = fx.primary_key if fx else ()
        if fx is None:
            self.error(path, f"no fixture rows of table {table_name!r} to name rows by")
            return None
        if len(columns) != len(fx.primary_key):
            self.error(path, f"{fx.table.id.qualified} has a {len(fx.primary_key)}-column primary key; "
                             "`key` names one column")
            return None
        keys = {tuple(str(r.values.get(c)) for c in fx.primary_key): r.key for r in fx.rows}
        unknown = sorted(expect.rows - set(keys.values()))
        if unknown:
            self.error(path, f"no fixture row {', '.join(map(repr, unknown))} in {fx.table.id.qualified}",
                       f"rows: {', '.join(r.key for r in fx.rows)}")
            return None
        return RowKeys(table=fx.table.id, columns=columns, keys=keys)

    # -- statements ------------------------------------------------------------------------------
    def statement(self, stmt: Statement, path: Path) -> dict[str, Any] | None:
        """The parts of a case that do not depend on the actor; None after reporting a problem."""
        obj = self.find(stmt, path)
        if obj is None:
            return None
        command = stmt.command
        allowed = {"select": {"where", "key"}, "insert": {"values"}, "update": {"set", "where"},
                   "delete": {"where"}, "call": {"args", "key"}}[command]
        for extra in ("where", "values", "set", "args", "key"):
            if getattr(stmt, extra) is not None and extra not in allowed:
                self.error((*path, extra), f"`{extra}` does not apply to {command}", key=True)
        parts: dict[str, Any] = {"command": command, "target": obj.id, "obj": obj, "path": path}
        if isinstance(stmt.where, str):
            refs = expression_refs(stmt.where)
            if refs.error:
                self.error((*path, "where"), f"where: {refs.error}")
            parts["where_sql"] = stmt.where.strip()
        elif isinstance(stmt.where, dict):
            parts["where"] = self.column_values(stmt.where, obj, (*path, "where"), "where", nullable=True)
        if stmt.values is not None:
            parts["values"] = self.column_values(stmt.values, obj, (*path, "values"), "values")
        if stmt.set is not None:
            parts["values"] = self.column_values(stmt.set, obj, (*path, "set"), "set")
        if command == "update" and not stmt.set:
            self.error(path, "an update needs `set: {column: value}`")
        if command == "call" and isinstance(obj, FunctionIR):  # find() returns the function for a call
            parts["args"] = self.arguments(obj, stmt.args, (*path, "args"))
        parts["setup"] = self.setup(stmt.setup, (*path, "setup"))
        return parts

    def setup(self, statements: list[str], path: Path) -> tuple[str, ...]:
        for i, text in enumerate(statements):
            refs = statement_refs(text)
            if refs.error:
                self.error((*path, i), f"setup: {refs.error}")
        return tuple(s.strip() for s in statements)

    def case(self, name: str, actor: Actor, stmt: Statement, parts: dict[str, Any], raw_expect: Any,
             path: Path, pos_path: Path) -> Case | None:
        expect = self.expectation(raw_expect, stmt.command, path)
        if expect is None:
            return None
        row_keys = None
        if expect.kind == "rows":
            row_keys = self.row_keys(stmt, parts["obj"], expect, path, parts["path"])
            if row_keys is None:
                return None
        return Case(name=name, actor=actor, command=parts["command"], target=parts["target"],
                    where_sql=parts.get("where_sql"), where=parts.get("where", ()),
                    values=parts.get("values", ()), args=parts.get("args", ()), expect=expect,
                    row_keys=row_keys, setup=self.global_setup + parts["setup"],
                    pos=self.loaded.pos(("tests", *pos_path)))

    def compile(self) -> list[Case]:
        for name, actor_spec in self.tests.actors.items():
            actor = self.actor(name, actor_spec, ("actors", name))
            if actor is not None:
                self.actors[name] = actor
        cases: list[Case] = []
        names: dict[str, Path] = {}

        def add(case: Case | None, path: Path) -> None:
            if case is None:
                return
            if case.name in names:
                self.error(path, f"two cases are named {case.name!r}",
                           "give one matrix row a `label`, or rename the case", key=True)
                return
            names[case.name] = path
            cases.append(case)

        for i, spec in enumerate(self.tests.cases):
            path: Path = ("cases", i)
            actor = self.lookup_actor(spec.as_, (*path, "as"))
            parts = self.statement(spec, path)
            if actor is None or parts is None:
                continue
            add(self.case(spec.name, actor, spec, parts, spec.expect, (*path, "expect"), (*path, "name")),
                (*path, "name"))
        for i, row in enumerate(self.tests.matrix):
            for case, p in self.matrix_row(row, ("matrix", i)):
                add(case, p)
        if self.tests.complete:
            self.coverage(cases)
        if self.problems:
            raise SpecError(self.problems)
        return cases

    def lookup_actor(self, name: str, path: Path) -> Actor | None:
        actor = self.actors.get(name)
        if actor is None and name not in self.tests.actors:
            self.error(path, f"unknown actor {name!r}", f"actors: {', '.join(self.tests.actors)}")
        return actor

    def matrix_row(self, row: MatrixRow, path: Path) -> list[tuple[Case | None, Path]]:
        parts = self.statement(row, path)
        seen: dict[str, str] = {}
        out: list[tuple[Case | None, Path]] = []
        prefix = f"{row.target}/{row.command}" + (f"/{row.label}" if row.label else "")
        for key, raw in row.expect.items():
            epath = (*path, "expect", key)
            for actor_name in (a.strip() for a in key.split(",")):
                if actor_name in seen:
                    self.error(epath, f"actor {actor_name!r} has two expectations in this row", key=True)
                    continue
                seen[actor_name] = key
                if actor_name not in self.tests.actors:
                    self.error(epath, f"unknown actor {actor_name!r}",
                               f"actors: {', '.join(self.tests.actors)}", key=True)
                    continue
                actor = self.actors.get(actor_name)
                if actor is None or parts is None:
                    continue
                # the case is located at its row: an expectation may be a YAML alias of another row's
                out.append((self.case(f"{prefix}/{actor_name}", actor, row, parts, raw, epath, path), epath))
        missing = [a for a in self.tests.actors if a not in seen]
        if missing and not row.partial:
            self.error((*path, "expect"), f"{prefix}: no expectation for actor{'s' if len(missing) > 1 else ''} "
                                          f"{', '.join(missing)}",
                       "every actor is tested on every row (or set `partial: true`)", key=True)
        return out

    def coverage(self, cases: list[Case]) -> None:
        """With ``complete: true``: every exposed relation × command and function has a case.

        One problem per object without full coverage, at the object's declaration, naming the
        commands it lacks and showing the matrix rows to add (a new table has none at first)."""
        covered = {(c.target, c.command) for c in cases}
        for obj in self.model.of_kind(*kinds_with_columns(), Kind.FUNCTION):
            if obj.id.schema not in self.tests.schemas:
                continue
            if isinstance(obj, FunctionIR):
                if (obj.returns or "").lower() in ("trigger", "event_trigger"):
                    continue
                commands: tuple[str, ...] = ("call",)
            elif isinstance(obj, MaterializedViewIR):
                commands = ("select",)
            else:
                commands = ("select", *DML)
            missing = [c for c in commands if (obj.id, c) not in covered]
            if missing:
                self.problems.append(self.coverage_problem(obj, missing))

    def coverage_problem(self, obj: Any, missing: list[str]) -> Problem:
        """The located problem for ``obj`` lacking cases for ``missing`` commands, with an example."""
        kind = obj.id.kind
        name = obj.id.name if obj.id.schema == "public" else obj.id.qualified
        where = self.loaded.pos(("tests", "matrix") if self.tests.matrix else ("tests",), key=True)
        what = "a call" if missing == ["call"] else ", ".join(missing)
        message = (f"tests: {kind} {obj.id.qualified} has no policy test for {what} "
                   f"(`tests.complete` is true)")
        actors = ", ".join(self.tests.actors)
        rows = []
        for command in missing:
            extra = {"insert": "  values: {<column>: <value>}\n", "update": "  set: {<column>: <value>}\n",
                     "call": "  args: {<argument>: <value>}\n"}.get(command, "")
            rows.append(f"- {command}: {name}\n{extra}  expect:\n    {actors}: denied")
        example = "\n".join(rows).replace("\n", "\n        ")
        hint = (f"add {'this row' if len(rows) == 1 else 'these rows'} under `tests: matrix:` ({where}), giving each "
                f"actor what it should get (fixture row keys, a number of rows, or denied), or set "
                f"`complete: false`:\n        {example}")
        pos = obj.pos if obj.pos.line else self.loaded.pos(("tests", "complete"))
        return Problem(pos, message, hint)


def _plain(value: Any) -> Any:
    """A YAML scalar as a parameter value (dates and times as ISO text)."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def compile_policy_tests(model: Model, loaded: LoadedSpec) -> list[Case]:
    """Every case of the spec's ``tests:`` (matrix rows expanded), in spec order; [] without tests.

    Raises SpecError listing every unknown actor, relation, function, column, argument or fixture
    key, each at its ``schema.yaml`` position.
    """
    tests = loaded.spec.tests
    if tests is None:
        return []
    return _Compiler(model, loaded, tests).compile()
