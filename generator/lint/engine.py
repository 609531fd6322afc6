"""The lint engine: a registry of rules over the ir, findings with positions, waivers from the spec.

A rule is a function ``(ctx) -> Iterable[Finding]`` registered with :func:`rule` under a name and a
severity. ``error`` marks what is unsafe (data readable or writable by the wrong role, hijackable
functions, refreshes that fail); ``warning`` marks what is slow or untidy. ``generate`` refuses
unwaived errors; ``schemagen lint`` prints everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..errors import Pos, SchemagenError, SpecError
from ..ir import Model, ObjectId
from ..ir import model as m
from ..ir.sections import resolve_waivers
from ..kinds import Kind, kind_def
from ..spec import LoadedSpec
from ..spec.lintcfg import LintConfig

Severity = Literal["error", "warning"]
API_ROLES = ("anon", "authenticated")


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule firing on one object, at a ``schema.yaml`` position."""

    rule: str
    severity: Severity
    pos: Pos
    object: ObjectId
    message: str
    hint: str | None = None
    waived: str | None = field(default=None, compare=False)  # the waiver's reason

    def __str__(self) -> str:
        text = f"{self.pos}: {self.severity}[{self.rule}] {self.object}: {self.message}"
        if self.waived:
            text += f" (waived: {self.waived})"
        return text


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    severity: Severity
    summary: str
    check: Callable[[Context], Iterable[Finding]]


RULES: dict[str, Rule] = {}
#: Rules whose findings ``schemagen verify`` makes on a database: a waiver of one is not "unused" here.
VERIFY_RULES: set[str] = set()


def rule(name: str, severity: Severity, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a rule function under ``name`` (kebab-case, stable: waivers refer to it)."""

    def register(fn: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        assert name not in RULES, name
        RULES[name] = Rule(name, severity, summary, fn)
        return fn

    return register


class LintError(SchemagenError):
    """``generate`` found error-level findings that the spec does not waive."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        n = len(findings)
        lines = [str(f) for f in findings]
        lines.append(f"{n} lint error{'s' if n != 1 else ''}; nothing was written. Fix the spec, or waive one "
                     "rule on one object under `lint: waive:` with a reason.")
        super().__init__("\n".join(lines))


class Context:
    """What rules read: the model, where each object's YAML lives, and the Supabase defaults."""

    def __init__(self, model: Model, loaded: LoadedSpec) -> None:
        self.model = model
        self.loaded = loaded
        self.config = loaded.spec.lint or LintConfig()
        sections = model.sections
        self.exposed = set(sections.exposed_schemas if sections is not None else self.config.exposed_schemas)
        self._paths_found: dict[tuple[int, int], tuple[Any, ...]] | None = None
        self.current_rule: Rule | None = None

    # -- positions -----------------------------------------------------------------------------
    def pos(self, obj: m.Obj | m.Column, *sub: str | int) -> Pos:
        """Position of ``obj``'s YAML mapping, or of the value at ``sub`` inside it when present."""
        if not sub:
            return obj.pos
        lc = (obj.pos.line, obj.pos.col)
        if self._paths_found is None:  # only when a finding points inside an object: a clean spec never does
            self._paths_found = _paths_by_pos(self.loaded, _object_positions(self.model))
        if lc not in self._paths_found:  # not an object's or a column's position: looked up alone
            self._paths_found.update(_paths_by_pos(self.loaded, {lc}))
        path = self._paths_found.get(lc)
        if path is None:
            return obj.pos
        full = path + tuple(sub)
        table = self.loaded.source.values
        return Pos(obj.pos.file, *table[full]) if full in table else obj.pos

    def finding(self, obj: m.Obj, message: str, *sub: str | int, hint: str | None = None,
                severity: Severity | None = None) -> Finding:
        """A finding of the rule being run, at ``sub`` inside ``obj`` (or at ``obj``).

        ``severity`` lowers a rule's severity for a case that is not dangerous as written."""
        r = self.current_rule
        assert r is not None
        return Finding(r.name, severity or r.severity, self.pos(obj, *sub), obj.id, message, hint)

    # -- model helpers -------------------------------------------------------------------------
    def of_kind(self, *kinds: str) -> list[Any]:
        return self.model.of_kind(*kinds)

    def children(self, rel: ObjectId, kind: str) -> list[Any]:
        """Indexes, policies, ... of ``rel`` in the order the spec lists them (so "the second" is right)."""
        return sorted(self.model.children(rel, kind), key=lambda o: o.pos)

    def roles_with(self, obj: m.Privileged, privileges: Iterable[str], column: str | None = None) -> set[str]:
        """Roles that hold any of ``privileges`` on ``obj`` after the migration: declared grants plus
        the defaults a revoke does not remove (PUBLIC on functions; Supabase's default privileges on
        tables, views, sequences and functions in ``public`` for anon and authenticated)."""
        wanted = set(privileges) | {"all"}
        roles = {r.lower() for g in obj.grants if wanted & set(g.privileges)
                 and (column is None or not g.columns or column in g.columns) for r in g.roles}
        revoked = {r.lower() for r in obj.revoke_from}
        defaults: set[str] = set()
        if kind_def(obj.id.kind).routine or (obj.id.kind is Kind.SCHEMA and obj.id.name == "public"):
            defaults.add("public")  # EXECUTE on a new function or procedure; USAGE on schema public
        if obj.id.schema == "public" and kind_def(obj.id.kind).api_default_grant:
            defaults.update(API_ROLES)
        roles |= defaults - revoked
        if "public" in roles:
            roles.update(API_ROLES)
        return roles

    def api_roles_with(self, obj: m.Privileged, privileges: Iterable[str]) -> list[str]:
        """The Data API roles (anon, authenticated) among :meth:`roles_with`, sorted."""
        return sorted(set(API_ROLES) & self.roles_with(obj, privileges))


def _object_positions(model: Model) -> set[tuple[int, int]]:
    """The (line, col) of every object and column of ``model``: where findings point."""
    out = set()
    for o in model.objects.values():
        out.add((o.pos.line, o.pos.col))
        for c in getattr(o, "columns", ()):
            if hasattr(c, "pos"):
                out.add((c.pos.line, c.pos.col))
    return out


def _paths_by_pos(loaded: LoadedSpec, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[Any, ...]]:
    """Map each ``wanted`` (line, col) back to its YAML path (the shortest one when several start
    there; None when no value starts there). Only the wanted positions are kept: the map of every
    value was 5 MiB at 1,000 tables."""
    out: dict[tuple[int, int], tuple[Any, ...] | None] = dict.fromkeys(wanted)
    for path, lc in loaded.source.values.items():
        if lc in out:
            known = out[lc]
            if known is None or len(path) < len(known):
                out[lc] = path
    return out  # type: ignore[return-value]  # None marks a position looked up and not found


# -- waivers -----------------------------------------------------------------------------------


def _waivers(ctx: Context) -> Mapping[tuple[str, ObjectId], tuple[str, int]]:
    """(rule, object) → (reason, index), as build bound them; unknown rules or objects are located
    spec errors (reported by build when it was given the rules, else here)."""
    sections = ctx.model.sections
    if sections is not None and sections.rules_checked:
        return sections.waivers
    waivers, problems = resolve_waivers(ctx.model, ctx.loaded, RULES)
    if problems:
        raise SpecError(problems)
    return waivers


@rule("waiver-unused", "warning", "A waiver whose rule does not fire on its object.")
def _waiver_unused(ctx: Context) -> Iterator[Finding]:
    return iter(())  # findings are made by run_lint, which knows what fired


def run_lint(model: Model, loaded: LoadedSpec) -> list[Finding]:
    """Every finding of every rule, sorted by position; waived ones carry their reason.

    Raises SpecError for a waiver that names an unknown rule or object."""
    ctx = Context(model, loaded)
    waivers = _waivers(ctx)
    findings: list[Finding] = []
    for r in RULES.values():
        ctx.current_rule = r
        findings.extend(r.check(ctx))
    ctx.current_rule = None
    used: set[tuple[str, ObjectId]] = set()
    out = []
    for f in findings:
        w = waivers.get((f.rule, f.object))
        if w is not None:
            used.add((f.rule, f.object))
            f = replace(f, waived=w[0])
        out.append(f)
    for key, (_, i) in waivers.items():
        if key not in used and key[0] not in VERIFY_RULES:
            out.append(Finding("waiver-unused", "warning", loaded.pos(("lint", "waive", i)), key[1],
                               f"waiver of {key[0]} does not match any finding; remove it"))
    unique = {(f.rule, f.object, f.pos, f.message): f for f in out}
    return sorted(unique.values(), key=lambda f: (f.pos, f.rule, str(f.object), f.message))


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """Error-level findings that no waiver covers: these stop ``generate``."""
    return [f for f in findings if f.severity == "error" and not f.waived]
