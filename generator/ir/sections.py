"""The rest of the ir: what the spec declares beside its objects, checked against them by build.

:func:`generator.ir.build` returns a :class:`~generator.ir.model.Model` whose ``sections`` hold
the spec's fixtures (resolved rows), its policy tests (compiled cases), its lint configuration
(exposed schemas, waivers bound to objects), its roles and, when ``database.types.ts`` is an
output, the inferred columns of its views with every column ``shape:`` checked. Build checks them
in the same pass as the objects, so one run reports every problem of the spec, each at its
``schema.yaml`` position. Render, lint and verify read them from the model and check nothing again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..kinds import kind_def
from ..spec import LoadedSpec
from ..spec.lintcfg import LintConfig
from .fixtures import EMPTY as NO_FIXTURES
from .fixtures import FixtureSet, collect_fixtures
from .ids import ObjectId
from .model import Model
from .policycases import Case, collect_policy_tests

if TYPE_CHECKING:
    from ..render.viewcols import ViewColumns

#: (lint rule, object) → (the waiver's reason, its index under ``lint.waive``)
Waivers = Mapping[tuple[str, ObjectId], tuple[str, int]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Sections:
    """The spec's sections beside its objects, checked against the model."""

    #: the roles of ``roles:`` (as written)
    roles: tuple[str, ...] = ()
    #: the ``fixtures:`` rows, resolved (primary keys, foreign keys, SQL values), in insert order
    fixtures: FixtureSet = NO_FIXTURES
    #: the compiled cases of ``tests:``; None when the spec has no ``tests:``
    policy_cases: tuple[Case, ...] | None = None
    #: ``lint.exposed_schemas``: the schemas the Data API serves
    exposed_schemas: tuple[str, ...] = ("public",)
    #: ``lint.waive`` bound to objects (when build was given the lint rules)
    waivers: Waivers = field(default_factory=lambda: MappingProxyType({}))
    #: whether ``waivers`` were bound and checked (build was given the lint rules)
    rules_checked: bool = False
    #: the columns of every view, inferred for ``database.types.ts`` (None when it is no output)
    views: Mapping[ObjectId, ViewColumns] | None = None


def object_names(model: Model) -> dict[str, ObjectId]:
    """Every way a waiver may name an object: as lint prints it, and a function or procedure without
    arguments (when that name is not overloaded)."""
    names: dict[str, ObjectId] = {}
    ambiguous: set[str] = set()
    for oid in model.order:
        names[str(oid)] = oid
        if kind_def(oid.kind).routine:
            short = f"{oid.kind} {oid.schema}.{oid.name}"
            if short in names and names[short] != oid:
                ambiguous.add(short)
            names.setdefault(short, oid)
    for short in ambiguous:
        del names[short]
    return names


def resolve_waivers(model: Model, loaded: LoadedSpec, rules: Collection[str] | None
                    ) -> tuple[dict[tuple[str, ObjectId], tuple[str, int]], list[Problem]]:
    """``lint.waive`` bound to objects, and a located problem for each unknown object, unknown rule
    (when ``rules`` is given) or repeated waiver."""
    config = loaded.spec.lint or LintConfig()
    out: dict[tuple[str, ObjectId], tuple[str, int]] = {}
    problems: list[Problem] = []
    names = object_names(model)
    for i, w in enumerate(config.waive):
        at = ("lint", "waive", i)
        if rules is not None and w.rule not in rules:
            problems.append(Problem(loaded.pos(at + ("rule",)), f"waiver of unknown lint rule {w.rule!r}",
                                    f"known rules: {', '.join(sorted(rules))}"))
        oid = names.get(w.object)
        if oid is None:
            problems.append(Problem(loaded.pos(at + ("object",)), f"waiver of unknown object {w.object!r}",
                                    "write it as `schemagen lint` prints it, e.g. 'table public.notes' or "
                                    "'policy public.notes.Owners read'"))
            continue
        if (w.rule, oid) in out:
            problems.append(Problem(loaded.pos(at), f"{w.rule} is waived twice for {oid}"))
        out[(w.rule, oid)] = (w.reason, i)
    return out, problems


def check_sections(model: Model, loaded: LoadedSpec, *, lint_rules: Collection[str] | None = None,
                   complete: bool = True) -> tuple[Sections, list[Problem]]:
    """The spec's sections checked against ``model``, and every problem found.

    ``complete``: the model was built without problems. When it was not, the checks that need every
    object's SQL to be sound (view column inference) are left out: they would only repeat them.
    """
    problems: list[Problem] = []
    spec = loaded.spec
    fixtures, found = collect_fixtures(model, loaded)
    problems += found
    cases: tuple[Case, ...] | None = None
    if spec.tests is not None:
        compiled, found = collect_policy_tests(model, loaded, fixtures)
        problems += found
        cases = tuple(compiled)
    waivers: dict[tuple[str, ObjectId], tuple[str, int]] = {}
    if lint_rules is not None:  # else lint binds and checks them when it runs
        waivers, found = resolve_waivers(model, loaded, lint_rules)
        problems += found
    views: Mapping[ObjectId, Any] | None = None
    if spec.outputs.types and complete:
        from ..render.typescript import check_types  # the shape checks live with the shapes' renderer

        views, found = check_types(model, loaded)
        problems += found
    config = spec.lint or LintConfig()
    sections = Sections(roles=tuple(spec.roles), fixtures=fixtures, policy_cases=cases,
                        exposed_schemas=tuple(config.exposed_schemas), waivers=MappingProxyType(waivers),
                        rules_checked=lint_rules is not None, views=views)
    return sections, problems
