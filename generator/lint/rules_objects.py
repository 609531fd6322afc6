"""Rules about views, materialized views, functions and indexes."""

from __future__ import annotations

from collections.abc import Iterator

from ..ir import model as m
from ..ir.serial import serial_base
from ..kinds import Kind, kinds_where, kinds_with_columns
from ..sqlan.select import not_null_only as _not_null_only
from .engine import Context, Finding, rule


@rule("view-without-security-invoker", "error",
      "A view without security_invoker runs with its owner's rights and bypasses the caller's RLS.")
def view_invoker(ctx: Context) -> Iterator[Finding]:
    for v in ctx.of_kind(Kind.VIEW):
        if v.security_invoker:
            continue
        roles = ctx.api_roles_with(v, ("select", "insert", "update", "delete"))
        exposed = v.id.schema in ctx.exposed
        if roles or exposed:
            who = f"{', '.join(roles)} read" if roles else "API callers may read"
            yield ctx.finding(v, f"runs with its owner's rights: {who} the underlying tables past their row "
                                 "level security", "security_invoker",
                              hint="remove `security_invoker: false` (the default is true)")
        else:
            yield ctx.finding(v, "runs with its owner's rights (no API role may read it today)",
                              "security_invoker", severity="warning",
                              hint="remove `security_invoker: false` (the default is true)")


@rule("matview-readable-by-api", "error",
      "A materialized view (which has no RLS) readable by anon or authenticated.")
def matview_readable(ctx: Context) -> Iterator[Finding]:
    for mv in ctx.of_kind(Kind.MATERIALIZED_VIEW):
        roles = ctx.api_roles_with(mv, ("select",))
        if roles:
            yield ctx.finding(mv, f"{', '.join(roles)} may read every row: materialized views ignore row level "
                                  "security", "grants",
                              hint="grant SELECT to service_role only and serve users through a SECURITY "
                                   "DEFINER function that filters by the caller")


@rule("matview-concurrent-refresh-without-unique-index", "error",
      "REFRESH MATERIALIZED VIEW CONCURRENTLY needs a unique index on plain columns without WHERE.")
def matview_concurrent(ctx: Context) -> Iterator[Finding]:
    for mv in ctx.of_kind(Kind.MATERIALIZED_VIEW):
        if mv.refresh != "concurrently":
            continue
        ok = any(ix.unique and not ix.where and all(e.column for e in ix.elements)
                 for ix in ctx.children(mv.id, Kind.INDEX))
        if not ok:
            yield ctx.finding(mv, "is refreshed concurrently but has no unique index on plain columns without "
                                  "WHERE: the refresh fails", "indexes",
                              hint="add `indexes: [{columns: [...], unique: true}]` or `refresh: blocking`")


def _search_path_fixed(fn: m.FunctionIR | m.ProcedureIR) -> bool:
    if fn.search_path is None:
        return False
    names = [n.strip().strip('"') for n in fn.search_path.split(",") if n.strip()]
    return "$user" not in names


@rule("definer-without-search-path", "error",
      "A SECURITY DEFINER function or procedure without a fixed search_path can be hijacked by the caller's "
      "objects.")
def definer_search_path(ctx: Context) -> Iterator[Finding]:
    for fn in ctx.of_kind(*kinds_where(routine=True)):  # functions and procedures
        if fn.security_definer and not _search_path_fixed(fn):
            yield ctx.finding(fn, "runs with its owner's rights under the caller's search_path: a caller's "
                                  "table, function or operator of the same name runs instead", "search_path",
                              hint="remove `search_path: null` (the default is pg_catalog, pg_temp) and "
                                   "qualify every name")


@rule("function-without-search-path", "warning",
      "A function or procedure without a fixed search_path resolves names in the caller's search_path "
      "(Supabase's advisor: function_search_path_mutable).")
def function_search_path(ctx: Context) -> Iterator[Finding]:
    for fn in ctx.of_kind(*kinds_where(routine=True)):  # functions and procedures
        if fn.security_definer or _search_path_fixed(fn):
            continue
        if isinstance(fn, m.ProcedureIR):
            yield ctx.finding(fn, "resolves names in the caller's search_path (a CALL from another session may "
                                  "then run the caller's objects)", "search_path",
                              hint="remove `search_path: null` and qualify every name; a procedure that COMMITs "
                                   "cannot have one (Postgres refuses it): qualify every name and waive this")
        else:
            yield ctx.finding(fn, "resolves names in the caller's search_path (a trigger or a policy may then "
                                  "call the caller's objects)", "search_path",
                              hint="remove `search_path: null`; qualify every name in the body")


@rule("definer-executable-by-api", "error",
      "A SECURITY DEFINER function (/rpc) or procedure in an exposed schema that anon or authenticated may call "
      "(Supabase's advisor: anon/authenticated_security_definer_function_executable).")
def definer_executable(ctx: Context) -> Iterator[Finding]:
    for fn in ctx.of_kind(*kinds_where(routine=True)):  # functions and procedures
        returns = getattr(fn, "returns", None)
        if not fn.security_definer or (returns or "").lower() == "trigger" or fn.id.schema not in ctx.exposed:
            continue
        roles = ctx.api_roles_with(fn, ("execute",))
        if not roles:
            continue
        if isinstance(fn, m.FunctionIR):
            yield ctx.finding(fn, f"{', '.join(roles)} may call it through the API and it runs with its owner's "
                                  "rights, past row level security", "grants",
                              hint="move it to a schema that is not exposed, make it SECURITY INVOKER, grant "
                                   "EXECUTE to service_role only, or waive with the reason it is safe")
        else:  # PostgREST cannot CALL a procedure: only code they reach through /rpc can
            yield ctx.finding(fn, f"{', '.join(roles)} may CALL it (from any invoker function they reach through "
                                  "/rpc) and it runs with its owner's rights, past row level security", "grants",
                              severity="warning",
                              hint="move it to a schema that is not exposed, make it SECURITY INVOKER, or grant "
                                   "EXECUTE to service_role only")


@rule("fk-without-index", "warning",
      "A foreign key whose columns lead no index: deletes on the parent scan the child table (Supabase's advisor: "
      "unindexed_foreign_keys).")
def fk_without_index(ctx: Context) -> Iterator[Finding]:
    for fk in ctx.of_kind(Kind.CONSTRAINT):
        if not isinstance(fk, m.ForeignKeyIR):
            continue
        table = ctx.model.objects.get(fk.id.relation())
        if table is None:
            continue
        n = len(fk.columns)
        keys = [tuple(e.column for e in ix.elements) for ix in ctx.children(table.id, Kind.INDEX)
                if ix.method == "btree" and (not ix.where or _not_null_only(ix.where) <= set(fk.columns))]
        if isinstance(table, m.TableIR):
            keys += [k.columns for k in ((table.primary_key,) if table.primary_key else ()) + table.uniques]
            # an exclusion constraint's index serves the key too (gist with btree_gist answers =), as the
            # advisor's unindexed_foreign_keys counts an index of any method
            keys += [tuple(e.column for e in x.elements) for x in table.excludes
                     if not x.where or _not_null_only(x.where) <= set(fk.columns)]
        if not any(set(k[:n]) == set(fk.columns) for k in keys):
            yield ctx.finding(fk, f"{table.id.name}({', '.join(fk.columns)}) leads no index: each delete or key "
                                  f"update on {fk.target.name} scans {table.id.name}",
                              hint=f"add an index on {table.id.name} that starts with {', '.join(fk.columns)}")


def _index_key(ix: m.IndexIR) -> tuple[object, ...]:
    return (ix.method, ix.elements, " ".join((ix.where or "").lower().split()), ix.include)


@rule("duplicate-index", "warning", "Two indexes (or an index and a key constraint) with the same definition.")
def duplicate_index(ctx: Context) -> Iterator[Finding]:
    for rel in ctx.of_kind(*kinds_with_columns()):  # views have no indexes: nothing to find
        seen: dict[tuple[object, ...], m.IndexIR] = {}
        constraint_keys = {}
        if isinstance(rel, m.TableIR):
            for k in ((rel.primary_key,) if rel.primary_key else ()) + rel.uniques:
                constraint_keys[tuple(m.IndexElement(column=c) for c in k.columns)] = k.name
        for ix in ctx.children(rel.id, Kind.INDEX):
            key = _index_key(ix)
            if key in seen:
                yield ctx.finding(ix, f"duplicates index {seen[key].id.name} (same columns, method, WHERE and "
                                      "INCLUDE): twice the write cost, no read benefit", hint="remove one")
                continue
            seen[key] = ix
            if ix.method == "btree" and not ix.where and not ix.include and ix.elements in constraint_keys:
                yield ctx.finding(ix, f"duplicates the index of constraint {constraint_keys[ix.elements]}",
                                  hint="remove it: the key constraint already has this index")


@rule("serial-without-sequence-grant", "warning",
      "A role may insert into a table but not use the sequence behind one of its serial columns.")
def serial_without_sequence_grant(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        inserters = ctx.roles_with(t, ("insert",)) - {"public"}
        for i, c in enumerate(t.columns):
            if not serial_base(c.type):
                continue
            granted = {r.lower() for g in c.sequence_grants if {"usage", "all"} & set(g.privileges) for r in g.roles}
            missing = sorted(inserters - granted)
            if missing:
                yield ctx.finding(t, f"{', '.join(missing)} may insert but not use sequence "
                                     f"{t.id.name}_{c.name}_seq: an insert that leaves {c.name} to its default "
                                     "fails", "columns", i, "type",
                                  hint=f"add `sequence_grants: [{{privileges: [usage], to: [{', '.join(missing)}]}}]`"
                                       " to the column")
