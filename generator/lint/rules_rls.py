"""Rules about row level security: is it on, does every policy say whom it is for, is it fast."""

from __future__ import annotations

from collections.abc import Iterator

from ..ir import model as m
from ..kinds import Kind, kinds_with_columns
from . import sqlshape as sh
from .engine import API_ROLES, Context, Finding, rule

AUTH_CALLS = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}
SETTING_CALLS = {"current_setting", "current_user", "session_user"}
WRITE_COMMANDS = ("insert", "update", "delete", "all")
COMMANDS = ("select", "insert", "update", "delete")


def _policies(ctx: Context, table: m.TableIR) -> list[m.PolicyIR]:
    return ctx.children(table.id, Kind.POLICY)


@rule("rls-disabled", "error", "A table in an exposed schema without row level security.")
def rls_disabled(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        if t.rls_enable or t.id.schema not in ctx.exposed:
            continue
        roles = ctx.api_roles_with(t, ("select", "insert", "update", "delete"))
        if roles:
            yield ctx.finding(t, f"row level security is disabled and {', '.join(roles)} may access it through "
                                 "the API: every row is visible to every user", "rls",
                              hint="remove `rls: {enable: false}` and add policies")
        else:
            yield ctx.finding(t, "row level security is disabled; no API role has a privilege today, but one "
                                 "grant would expose every row", "rls", severity="warning",
                              hint="enable RLS (no policies means no rows), or move the table to a schema "
                                   "that is not exposed")


@rule("policies-without-rls", "error", "A table has policies but row level security is disabled.")
def policies_without_rls(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        if not t.rls_enable and _policies(ctx, t):
            yield ctx.finding(t, f"has {len(_policies(ctx, t))} policies that never apply: row level security is "
                                 "disabled", "rls", hint="enable RLS (`rls: {enable: true}`)")


@rule("realtime-without-rls", "error",
      "A table in the supabase_realtime publication without row level security (Supabase's advisor).")
def realtime_without_rls(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        if t.realtime and not t.rls_enable:
            yield ctx.finding(t, "is broadcast by Realtime but row level security is disabled: every subscriber "
                                 "receives every change", "realtime",
                              hint="enable RLS (`rls: {enable: true}`) and add select policies, or drop `realtime`")


@rule("policy-without-to", "error", "A policy without TO (it applies to every role, anon included).")
def policy_without_to(ctx: Context) -> Iterator[Finding]:
    for p in ctx.of_kind(Kind.POLICY):
        if "public" in {r.lower() for r in p.roles}:
            yield ctx.finding(p, "applies TO public, i.e. to every role including anon; Postgres evaluates it "
                                 "for them too", "roles", hint="name its roles, e.g. `roles: [authenticated]`")


@rule("unwrapped-auth-call", "warning",
      "auth.*(), current_setting() or a helper called per row in a policy instead of once as (select ...).")
def unwrapped_auth_call(ctx: Context) -> Iterator[Finding]:
    helpers = {(f.id.schema, f.id.name) for f in ctx.of_kind(Kind.FUNCTION)
               if not f.id.args and f.volatility != "volatile"}
    for p in ctx.of_kind(Kind.POLICY):
        for key in ("using", "with_check"):
            node = sh.parse_expression(getattr(p, key)) if getattr(p, key) else None
            seen = set()
            for (schema, name), has_column in sh.per_row_calls(node):
                if has_column:
                    continue
                if (schema, name) in AUTH_CALLS or (schema in (None, "pg_catalog") and name in SETTING_CALLS) \
                        or (schema, name) in helpers:
                    call = f"{schema + '.' if schema else ''}{name}()"
                    if call in seen:
                        continue
                    seen.add(call)
                    yield ctx.finding(p, f"{key} calls {call} once per row", key,
                                      hint=f"wrap it: (select {call}) is evaluated once per statement")


@rule("multiple-permissive-policies", "warning",
      "Several permissive policies for one role and command: each is evaluated for every row.")
def multiple_permissive(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(*kinds_with_columns()):
        first: dict[tuple[str, str], m.PolicyIR] = {}
        for p in ctx.children(t.id, Kind.POLICY):
            if not p.permissive:
                continue
            roles = {r.lower() for r in p.roles}
            if "public" in roles:
                roles = {"public", *API_ROLES}
            clashes: dict[str, list[str]] = {}
            for cmd in COMMANDS if p.command == "all" else (p.command,):
                for role in sorted(roles):
                    other = first.setdefault((role, cmd), p)
                    if other is not p:
                        clashes.setdefault(other.id.name, []).append(f"{cmd.upper()} for {role}")
            for other_name, what in clashes.items():
                yield ctx.finding(p, f"is another permissive policy ({', '.join(what)}) besides {other_name!r}; "
                                     "Postgres evaluates both for every row and ORs them", "command",
                                  hint="merge them into one policy that filters each column once (see "
                                       "policy-shape-not-indexable), or make one of them restrictive")


@rule("write-policy-always-true", "error", "An INSERT, UPDATE, DELETE or ALL policy whose condition is true.")
def write_true(ctx: Context) -> Iterator[Finding]:
    for p in ctx.of_kind(Kind.POLICY):
        if p.command not in WRITE_COMMANDS or not p.permissive:
            continue
        for key in ("using", "with_check"):
            text = getattr(p, key)
            if text and sh.is_true(sh.parse_expression(text)):
                yield ctx.finding(p, f"{p.command.upper()} {key} is true: its roles may write any row", key,
                                  hint="compare an owner or tenant column with (select auth.uid()) or a helper")


#: Roles that bypass row level security on Supabase (BYPASSRLS, or the owner): a grant to them
#: needs no policy.
BYPASS_RLS_ROLES = frozenset({"service_role", "postgres", "supabase_admin"})
_DENIED = {"select": "every select by {role} returns no row",
           "insert": "every insert by {role} fails (new row violates row-level security policy)",
           "update": "every update by {role} changes no row", "delete": "every delete by {role} removes no row"}


@rule("grant-without-policy", "warning",
      "A role granted SELECT, INSERT, UPDATE or DELETE by name on a table with row level security, but no "
      "permissive policy for that command and role: the grant does nothing.")
def grant_without_policy(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        if not t.rls_enable or not t.grants:
            continue
        allowed: set[tuple[str, str]] = set()  # (command, role) some permissive policy lets through
        for p in _policies(ctx, t):
            if p.permissive:
                for cmd in COMMANDS if p.command == "all" else (p.command,):
                    allowed.update((cmd, r.lower()) for r in p.roles)
        reported: set[tuple[str, str]] = set()
        for i, g in enumerate(t.grants):
            if "all" in g.privileges:  # Supabase's blanket default (a pulled table has it): RLS decides
                continue
            for cmd in (c for c in COMMANDS if c in g.privileges):
                for role in sorted({r.lower() for r in g.roles} - BYPASS_RLS_ROLES):
                    if (cmd, role) in allowed or (cmd, "public") in allowed or (cmd, role) in reported:
                        continue
                    reported.add((cmd, role))
                    yield ctx.finding(t, f"grants {cmd.upper()} to {role}, but no permissive policy allows "
                                         f"{cmd.upper()} for {role}: with row level security "
                                         + _DENIED[cmd].format(role=role), "grants", i,
                                      hint=f"add a policy `{{command: {cmd}, roles: [{role}], ...}}`, or drop "
                                           f"{cmd} from the grant (or waive the rule with the reason)")


def _indexed_leads(ctx: Context, rel: m.Obj) -> set[str]:
    """Columns that lead a btree index of ``rel`` (declared indexes, primary key, unique constraints)."""
    leads: set[str] = set()
    for ix in ctx.children(rel.id, Kind.INDEX):
        if ix.method == "btree" and ix.elements and ix.elements[0].column and not ix.where:
            leads.add(ix.elements[0].column)
    if isinstance(rel, m.TableIR):
        for key in ((rel.primary_key,) if rel.primary_key else ()) + rel.uniques:
            leads.add(key.columns[0])
    return leads


@rule("policy-filter-without-index", "warning",
      "A column a policy filters on (col = ..., col = any(...)) leads no btree index.")
def policy_filter_without_index(ctx: Context) -> Iterator[Finding]:
    for p in ctx.of_kind(Kind.POLICY):
        if not p.using or p.command == "insert":
            continue
        rel = ctx.model.objects.get(p.on)
        node = sh.parse_expression(p.using)
        if rel is None or node is None:
            continue
        leads = _indexed_leads(ctx, rel)
        missing = sorted({f.column for c in sh.conjuncts(node) if (f := sh.index_filter(c)) and f.column
                          not in leads})
        for col in missing:
            yield ctx.finding(p, f"filters on {p.on.name}.{col}, which leads no btree index: every query scans "
                                 "the table", "using",
                              hint=f"add `indexes: [{{columns: [{col}]}}]` (or put {col} first in an existing one)")


@rule("policy-shape-not-indexable", "warning",
      "A policy condition the planner cannot serve from an index: OR, per-row function calls or sub-selects.")
def policy_shape(ctx: Context) -> Iterator[Finding]:
    for p in ctx.of_kind(Kind.POLICY):
        if not p.using or p.command == "insert":
            continue
        node = sh.parse_expression(p.using)
        if node is None:
            continue
        reasons = []
        for c in sh.conjuncts(node):
            if isinstance(c, dict) and c.get("BoolExpr", {}).get("boolop") == "OR_EXPR":
                reasons.append("an OR of conditions (no single index serves both arms, so the planner scans "
                               "and filters)")
        calls = sorted({f"{s + '.' if s else ''}{n}()" for (s, n), has_col in sh.per_row_calls(node) if has_col})
        if calls:
            reasons.append(f"a per-row call of {', '.join(calls)} with a column argument")
        if sh.correlated_sublinks(node, p.on.name):
            reasons.append("a sub-select correlated with the row (a join run for every row)")
        for r in reasons:
            yield ctx.finding(p, f"using has {r}", "using",
                              hint="filter each column once, e.g. user_id = any (array(select "
                                   "private.visible_user_ids())) with a STABLE SECURITY DEFINER helper")
