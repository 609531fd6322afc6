"""spec → ir: names resolved, defaults derived, references checked, dependencies read from SQL.

Each kind's builder lives in its registry module (``KindDef.build``, :mod:`generator.kinds`);
this module holds the :class:`Builder` context they share (positions, errors, identifiers, grants,
SQL, the namespace) and the passes over every object: binding trigger functions, resolving SQL
names into dependencies, migration order. Then the rest of the spec is checked against the objects
(:mod:`generator.ir.sections`). Every problem found is collected with its ``schema.yaml`` position
and raised at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..errors import Pos, Problem, SpecError
from ..kinds import Kind, kind_def, kind_defs
from ..spec import LoadedSpec
from ..spec import models as s
from . import model as m
from .deps import CycleError, topological_order
from .ids import ObjectId
from .names import identifier_problem
from .sections import check_sections
from .sql import (
    SqlRefs,
    expression_refs,
)

MAX_COLUMNS = 1600  # MaxHeapAttributeNumber: CREATE TABLE fails beyond it
SUPABASE_EXTERNALS = ("auth.uid", "auth.role", "auth.jwt", "auth.email", "auth.users")
#: schemas a Supabase project already has that a spec uses without declaring (verify's stand-in
#: creates them): extensions are installed into ``extensions``
SUPABASE_SCHEMAS = ("extensions",)


def split_name(name: str, default_schema: str) -> tuple[str, str]:
    """(schema, name) of ``name``, which may be qualified; unqualified names are in ``default_schema``."""
    if "." in name and not name.startswith('"'):
        schema, _, rel = name.partition(".")
        return schema, rel
    return default_schema, name


@dataclass(slots=True)
class _Pending:
    """An object plus the SQL-derived references still to resolve once every object is known."""

    obj: m.Obj
    path: tuple[Any, ...]
    deps: set[ObjectId]
    sql: list[tuple[str, SqlRefs, tuple[Any, ...]]]


class Builder:
    """The builder context a kind's builder (``KindDef.build``) works with: the spec, the objects
    added so far, and the shared helpers (positions, errors, identifiers, grants, SQL, resolution).
    Every problem is collected in ``problems`` and reported at once."""

    def __init__(self, loaded: LoadedSpec) -> None:
        self.loaded = loaded
        self.spec = loaded.spec
        self.problems: list[Problem] = []
        self.pending: dict[ObjectId, _Pending] = {}
        self.namespace: dict[tuple[str, str], ObjectId] = {}
        self.functions_by_name: dict[tuple[str, str], list[ObjectId]] = {}
        self.roles = {r.lower() for r in self.spec.roles} | {"public"}
        externals = [*SUPABASE_EXTERNALS, *self.spec.external]
        self.externals = {tuple(split_name(e, "public")) for e in externals}
        self.external_schemas = {sch for sch, _ in self.externals} | set(SUPABASE_SCHEMAS)
        self.revoke_from = tuple(self.spec.privileges.revoke_from)
        self.owned: list[tuple[s.Sequence, tuple[Any, ...]]] = []  # sequences with `owned_by`

    # -- helpers -------------------------------------------------------------------------------
    def pos(self, path: tuple[Any, ...], *, key: bool = False) -> Pos:
        return self.loaded.pos(path, key=key)

    def error(self, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.pos(path), message, hint))

    def ident(self, name: str, path: tuple[Any, ...], what: str) -> None:
        problem = identifier_problem(name)
        if problem:
            self.error(path, f"{what}: {problem}", "choose a shorter name (or give one explicitly)")

    def collation(self, name: str | None, path: tuple[Any, ...]) -> None:
        """Check a ``collation:`` (``name`` or ``schema.name``, each part an identifier)."""
        for part in (name.split(".", 1) if name else ()):
            self.ident(part, path, "collation name")

    def grants(self, grants: Iterable[s.Grant], path: tuple[Any, ...]) -> tuple[m.GrantIR, ...]:
        out = []
        for i, g in enumerate(grants):
            for j, role in enumerate(g.to):
                if role.lower() not in self.roles:
                    self.error(path + (i, "to", j), f"unknown role {role!r}",
                               f"declare it under `roles:` (known: {', '.join(sorted(self.roles))})")
            out.append(m.GrantIR(privileges=tuple(g.privileges), roles=tuple(g.to),
                                 columns=tuple(g.columns), grant_option=g.with_grant_option))
        return tuple(out)

    def sql(self, text: str | None, path: tuple[Any, ...], what: str,
            parse: Callable[[str], SqlRefs] = expression_refs) -> SqlRefs | None:
        if text is None:
            return None
        refs = parse(text)
        if refs.error:
            at = f" at character {refs.error_offset + 1}" if refs.error_offset is not None else ""
            sep = " " if refs.error.startswith("must be") else ": "
            self.error(path, f"{what}{sep}{refs.error}{at}")
            return None
        return refs

    def add(self, obj: m.Obj, path: tuple[Any, ...], deps: Iterable[ObjectId] = (),
            sql: Iterable[tuple[str, SqlRefs | None, tuple[Any, ...]]] = ()) -> None:
        oid = obj.id
        if oid in self.pending:
            first = self.pending[oid].obj.pos
            self.error(path, f"duplicate {oid} (first declared at {first})")
            return
        if kind_def(oid.kind).namespace == "relation":
            key = (oid.schema, oid.name)
            if key in self.namespace:
                other = self.namespace[key]
                of = "a partition of " if other.name != oid.name else ""  # partitions name their table
                self.error(path, f"{oid} has the same name as {of}{other} (first declared at "
                                 f"{self.pending[other].obj.pos})" if other in self.pending else
                           f"duplicate name {oid.qualified}")
                return
            self.namespace[key] = oid
        if oid.kind == Kind.FUNCTION:
            self.functions_by_name.setdefault((oid.schema, oid.name), []).append(oid)
        self.pending[oid] = _Pending(obj, path, set(deps), [(w, r, p) for w, r, p in sql if r is not None])

    def later(self, wanted: int | None, owner: int, path: tuple[Any, ...]) -> int:
        """The migration of a table's index, policy or trigger: its table's, or a later one."""
        if wanted is None:
            return owner
        if wanted not in {mig.number for mig in self.spec.migrations}:
            self.error(path + ("migration",), f"unknown migration {wanted:03d}")
        elif wanted < owner:
            self.error(path + ("migration",), f"migration {wanted:03d} runs before {owner:03d}, which "
                                              "creates the table")
        return wanted

    def columns_in(self, refs: SqlRefs | None, colset: set[str] | None, rel: str, path: tuple[Any, ...],
                    what: str) -> None:
        if refs is None or colset is None:
            return
        for c in sorted(refs.columns):
            if c not in colset:
                self.error(path, f"{what} uses unknown column {c!r} of {rel!r}")
        for q, c in sorted(refs.qualified_columns):
            if q == rel and c not in colset:
                self.error(path, f"{what} uses unknown column {q}.{c}")

    def attached_to(self, name: str, path: tuple[Any, ...]) -> ObjectId:
        """The external table a migration-level trigger or policy is attached to."""
        sch, rel = split_name(name, "public")
        if (sch, rel) not in self.externals:
            self.error(path, f"{sch}.{rel} is not an external table",
                       "list it under `external:`, or declare the trigger or policy with its table")
        return ObjectId(Kind.TABLE, sch, rel)

    # -- resolution ----------------------------------------------------------------------------
    def managed_schemas(self) -> set[str]:
        return {i.name for i in self.pending if i.kind == Kind.SCHEMA} | {"public"}

    def resolve_relation(self, schema: str | None, name: str, default: str) -> ObjectId | None:
        key = (schema or default, name)
        oid = self.namespace.get(key)
        if oid is None and schema is None and default != "public":
            oid = self.namespace.get(("public", name))
        return oid if oid and kind_def(oid.kind).relation else None

    def extension_schemas(self) -> dict[str, set[ObjectId]]:
        """Schema → the declared extensions installed into it: what they create there (types,
        functions, operator classes) is not the spec's and can be used from anywhere."""
        out: dict[str, set[ObjectId]] = {}
        for oid, p in self.pending.items():
            if isinstance(p.obj, m.ExtensionIR) and p.obj.schema:
                out.setdefault(p.obj.schema, set()).add(oid)
        return out

    def resolve(self) -> dict[ObjectId, frozenset[ObjectId]]:
        managed = self.managed_schemas()
        ext = self.extension_schemas()
        deps: dict[ObjectId, frozenset[ObjectId]] = {}
        for oid, p in self.pending.items():
            need = set(p.deps)
            default = oid.schema or "public"
            for what, refs, path in p.sql:
                for sch in {r[0] for r in (*refs.relations, *refs.functions, *refs.types)} & set(ext):
                    need.update(e for e in ext[sch or ""] if e != oid)  # created first: it may lend the name
                for sch, rel in sorted(refs.relations, key=str):
                    target = self.resolve_relation(sch, rel, default)
                    if target is not None:
                        need.add(target)
                    elif sch in ext:
                        pass
                    elif sch is not None and sch in managed and (sch, rel) not in self.externals:
                        self.error(path, f"{oid} {what} uses unknown relation {sch}.{rel}")
                for sch, fn in sorted(refs.functions, key=str):
                    targets = self.functions_by_name.get((sch or default, fn), [])
                    if not targets and sch is None:
                        targets = self.functions_by_name.get(("public", fn), [])
                    need.update(t for t in targets if t != oid)
                    if not targets and sch is not None and (sch in managed or sch in self.external_schemas) \
                            and (sch, fn) not in self.externals and sch not in ext:
                        self.error(path, f"{oid} {what} calls unknown function {sch}.{fn}()")
                for sch, typ in sorted(refs.types, key=lambda t: (t[0] or "", t[1])):
                    target = self.namespace.get((sch or default, typ)) or (
                        self.namespace.get(("public", typ)) if sch is None else None)
                    if target is not None and kind_def(target.kind).names_type:
                        need.add(target)
                    elif sch is not None and sch in managed and (sch, typ) not in self.externals \
                            and sch not in ext:
                        self.error(path, f"{oid} {what} uses unknown type {sch}.{typ}")
            for dep in list(need):
                if dep.kind == Kind.SCHEMA and dep.name == "public" and dep not in self.pending:
                    need.discard(dep)
                elif dep.kind == Kind.SCHEMA and dep not in self.pending and dep.name in self.external_schemas:
                    need.discard(dep)
                elif dep not in self.pending:
                    self.missing(oid, dep, p.path)
                    need.discard(dep)
            deps[oid] = frozenset(need)
        return deps

    def missing(self, oid: ObjectId, dep: ObjectId, path: tuple[Any, ...]) -> None:
        if dep.kind == Kind.FUNCTION:
            candidates = self.functions_by_name.get((dep.schema, dep.name), [])
            if candidates:
                return  # resolved below by name (trigger functions)
            if (dep.schema, dep.name) in self.externals:
                return
            self.error(path, f"{oid} uses unknown function {dep.schema}.{dep.name}")
        elif dep.kind == Kind.TABLE:
            found = self.resolve_relation(dep.schema, dep.name, dep.schema)
            if found is None and (dep.schema, dep.name) not in self.externals:
                self.error(path, f"{oid} references unknown table {dep.qualified}")
        else:
            self.error(path, f"{oid} uses unknown {dep.kind} {dep.qualified or dep.name}")

    def check_migration_order(self, deps: dict[ObjectId, frozenset[ObjectId]]) -> None:
        for oid, needs in deps.items():
            obj = self.pending[oid].obj
            for dep in needs:
                other = self.pending[dep].obj
                if other.migration > obj.migration:
                    self.error(self.pending[oid].path,
                               f"{oid} in migration {obj.migration:03d} uses {dep}, which is created "
                               f"later, by migration {other.migration:03d}",
                               "move one of them so that nothing is used before it exists")


def build(loaded: LoadedSpec, *, lint_rules: Collection[str] | None = None) -> m.Model:
    """Build the model from a loaded spec, or raise SpecError with every problem found.

    The model holds the spec's objects and, in ``sections``, its fixtures, policy tests, lint
    configuration, roles and view columns, all checked in this one pass. ``lint_rules``: the rule
    names a waiver may name (the lint registry, given by the caller: the ir does not import lint);
    without them lint binds and checks the waivers when it runs."""
    b = Builder(loaded)
    spec = loaded.spec
    infos: list[m.MigrationInfo] = []
    declared = [(kd.section, kd.build) for kd in kind_defs() if kd.section and kd.build]
    seen_numbers: dict[int, int] = {}
    for mi, mig in enumerate(spec.migrations):
        mp = ("migrations", mi)
        if mig.number in seen_numbers:
            b.error(mp + ("number",), f"duplicate migration number {mig.number:03d}")
        elif infos and mig.number < infos[-1].number:
            b.error(mp + ("number",), f"migration {mig.number:03d} is listed after {infos[-1].number:03d}")
        elif mig.number != (infos[-1].number if infos else 0) + 1:
            previous = infos[-1].number if infos else 0
            b.error(mp + ("number",), f"migration {mig.number:03d} follows "
                                      f"{f'{previous:03d}' if previous else 'nothing'}: migration numbers are "
                                      f"consecutive ({previous + 1:03d} is missing)")
        seen_numbers[mig.number] = mi
        infos.append(m.MigrationInfo(number=mig.number, name=mig.name, rollback_name=mig.rollback_name or
                                     mig.name, description=mig.description, pos=b.pos(mp)))
        for section, build_one in declared:  # in creation rank; each kind's builder is in its registry module
            for i, decl in enumerate(getattr(mig, section)):
                build_one(b, decl, mig.number, mp + (section, i))
    for i, role in enumerate(spec.roles):  # a longer name would grant to the role it is truncated to
        b.ident(role, ("roles", i), "role name")
    for kd in kind_defs():  # before SQL names are resolved (trigger functions, raw SQL: new dependencies)
        if "link" in kd.hooks:
            kd.hooks["link"](b)
    deps = b.resolve()
    for kd in kind_defs():  # once every dependency is known (jobs: the relations a command names)
        if "check" in kd.hooks:
            kd.hooks["check"](b)
    if not b.problems:
        b.check_migration_order(deps)
    problems = list(b.problems)
    try:
        order = topological_order(deps)
    except CycleError as exc:
        if not problems:  # a cycle among objects that have problems of their own says nothing new
            problems.append(Problem(b.pending[exc.remaining[0]].obj.pos, str(exc)))
        order = tuple(b.pending)
    objects = {oid: b.pending[oid].obj for oid in order}
    model = m.Model(
        objects=MappingProxyType(objects),
        deps=MappingProxyType(deps),
        order=order,
        migrations=tuple(infos),
        project=spec.project.name,
        description=spec.project.description,
        types=MappingProxyType(dict(spec.types)),
    )
    # the rest of the spec, checked against the objects in the same run (even when some have problems)
    sections, found = check_sections(model, loaded, lint_rules=lint_rules, complete=not problems)
    problems += found
    if problems:
        raise SpecError(problems)
    return dataclasses.replace(model, sections=sections)
