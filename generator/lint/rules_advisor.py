"""Rules from Supabase's database advisor (splinter) for the kinds it sees beyond tables, views and
functions: domains, composite types, procedures, extensions, partitioned tables, Realtime, Storage
policies and raw SQL. Each rule's id is splinter's lint name in kebab-case where splinter has one
(``unsupported_reg_types`` → ``unsupported-reg-types``); the advisor reads the database, these read
the model, so a finding is located in ``schema.yaml`` before anything is applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..ir.ids import ObjectId
from ..kinds import Kind, kinds_where
from ..sqlan.parse import ParseError, parse
from ..sqlan.types import type_ref
from . import sqlshape as sh
from .engine import API_ROLES, Context, Finding, rule

#: The reg* types pg_upgrade cannot carry over (their values are oids that change in the new
#: cluster): splinter's ``unsupported_reg_types`` list. regclass, regrole and regtype are kept.
UNSUPPORTED_REG = frozenset({"regcollation", "regconfig", "regdictionary", "regnamespace", "regoper",
                             "regoperator", "regproc", "regprocedure"})


def _unsupported_reg(ctx: Context, text: str) -> str | None:
    """The unsupported reg* type ``text`` names (also as an array), or None. An unqualified name
    that a type of the spec has is that type, not the built-in."""
    ref = type_ref(text)
    if ref is None or ref.name not in UNSUPPORTED_REG:
        return None
    if ref.schema is None and any(o.id.name == ref.name for o in ctx.of_kind(*kinds_where(data_type=True))):
        return None
    return ref.name if ref.schema in (None, "pg_catalog") else None


@rule("unsupported-reg-types", "warning",
      "A column, domain or composite type attribute of a reg* type pg_upgrade cannot carry over (Supabase's "
      "advisor: unsupported_reg_types).")
def unsupported_reg_types(ctx: Context) -> Iterator[Finding]:
    hint = "store the name as text (or regclass/regtype, which pg_upgrade keeps) and cast where it is used"
    for t in ctx.of_kind(Kind.TABLE):
        for i, c in enumerate(t.columns):
            if reg := _unsupported_reg(ctx, c.type):
                yield ctx.finding(t, f"column {c.name} is of type {reg}: its values are oids, so pg_upgrade refuses "
                                     "the database (Supabase cannot upgrade its Postgres)", "columns", i, "type",
                                  hint=hint)
    for d in ctx.of_kind(Kind.DOMAIN):
        if reg := _unsupported_reg(ctx, d.type):
            yield ctx.finding(d, f"is over {reg}: a column of it blocks pg_upgrade (Supabase cannot upgrade its "
                                 "Postgres)", "type", hint=hint)
    for ct in ctx.of_kind(Kind.COMPOSITE_TYPE):
        for i, a in enumerate(ct.attributes):
            if reg := _unsupported_reg(ctx, a.type):
                yield ctx.finding(ct, f"attribute {a.name} is of type {reg}: a column of this type blocks "
                                      "pg_upgrade (Supabase cannot upgrade its Postgres)", "attributes", i, "type",
                                  hint=hint)


@rule("no-primary-key", "warning",
      "A table without a primary key (Supabase's advisor: no_primary_key); on a partitioned table, every "
      "partition lacks one.")
def no_primary_key(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        if t.primary_key is not None:
            continue
        if t.partition_by:
            names = ", ".join(p.name for p in t.partitions) or "none declared yet"
            yield ctx.finding(t, f"is partitioned without a primary key, so none of its partitions has one "
                                 f"({names}): rows have no identity, and in a publication (Realtime, read "
                                 "replicas) updates and deletes fail", "partition_by",
                              hint="add `primary_key` on columns that include the partition key columns")
        else:
            yield ctx.finding(t, "has no primary key: rows have no identity, and in a publication (Realtime, read "
                                 "replicas) its updates and deletes fail", "name",
                              hint="add `primary_key: true` to an identity or uuid column")


@rule("extension-in-public", "warning",
      "An extension installed in schema public (Supabase's advisor: extension_in_public).")
def extension_in_public(ctx: Context) -> Iterator[Finding]:
    for e in ctx.of_kind(Kind.EXTENSION):
        if e.id.name == "plpgsql" or e.schema not in (None, "public"):
            continue
        where = "schema public" if e.schema else "the first schema of the search path (public)"
        yield ctx.finding(e, f"is installed in {where}: its functions and types become part of the API schema "
                             "(exposed and callable through /rpc) and can shadow or be shadowed by yours",
                          *(("schema",) if e.schema else ()),
                          hint="add `schema: extensions` (Supabase's schema for extensions)")


@rule("realtime-without-policy", "warning",
      "A table in the supabase_realtime publication with RLS but no SELECT policy: no subscriber receives "
      "a change (Supabase's advisor: rls_enabled_no_policy).")
def realtime_without_policy(ctx: Context) -> Iterator[Finding]:
    for t in ctx.of_kind(Kind.TABLE):
        if not (t.realtime and t.rls_enable):
            continue
        if any(p.command in ("select", "all") for p in ctx.children(t.id, Kind.POLICY)):
            continue
        yield ctx.finding(t, "is broadcast by Realtime but has no select policy: Realtime checks each change "
                             "against the subscriber's select policies, so nobody receives any", "realtime",
                          hint="add a select policy for the subscribing roles, or drop `realtime`")


#: What a raw statement creates or changes that a lint rule would check if the spec declared it.
_RAW_KINDS = {"CreateStmt": "creates a table (RLS, primary key)",
              "CreateFunctionStmt": "creates a function or procedure (search_path, SECURITY DEFINER, EXECUTE)",
              "ViewStmt": "creates a view (security_invoker)",
              "CreateTableAsStmt": "creates a table or materialized view (RLS, API access)",
              "CreatePolicyStmt": "creates a policy (TO, conditions, indexes)",
              "AlterPolicyStmt": "changes a policy (TO, conditions, indexes)",
              "GrantStmt": "grants or revokes privileges",
              "AlterDefaultPrivilegesStmt": "changes default privileges",
              "CreateExtensionStmt": "creates an extension (its schema)",
              "CreatePublicationStmt": "creates a publication",
              "AlterPublicationStmt": "changes a publication (Realtime)"}
_RLS_SUBTYPES = {"AT_EnableRowSecurity", "AT_DisableRowSecurity", "AT_ForceRowSecurity", "AT_NoForceRowSecurity"}


def _raw_unchecked(up: str) -> list[str]:
    """What the statements of ``up`` do that lint cannot check, each said once, in order."""
    try:
        stmts: list[dict[str, Any]] = parse(up).get("stmts", [])
    except ParseError:
        return []  # build reports it
    out: list[str] = []
    for s in stmts:
        node_type, node = next(iter(s["stmt"].items()))
        what = _RAW_KINDS.get(node_type)
        if node_type == "GrantStmt" and not node.get("is_grant"):
            what = None  # a revoke only takes privileges away
        if node_type == "AlterTableStmt" and any(c.get("AlterTableCmd", {}).get("subtype") in _RLS_SUBTYPES
                                                 for c in node.get("cmds", [])):
            what = "switches row level security"
        if what and what not in out:
            out.append(what)
    return out


@rule("raw-sql-unchecked", "warning",
      "Raw SQL that creates or changes what lint checks (tables, routines, views, policies, grants, RLS): "
      "lint cannot see inside it.")
def raw_sql_unchecked(ctx: Context) -> Iterator[Finding]:
    for r in ctx.of_kind(Kind.RAW):
        what = _raw_unchecked(r.up)
        if what:
            yield ctx.finding(r, f"up {'; '.join(what)}: lint does not see inside raw SQL, so none of its rules "
                                 "check this", "up",
                              hint="declare it in the spec if the language covers it; else review it by hand "
                                   "(and run Supabase's advisor after `db push`), then waive this with the reason")


STORAGE_OBJECTS = ObjectId(Kind.TABLE, "storage", "objects")


def _bucket_only(node: Any) -> str | None:
    """The bucket of a condition that is only ``bucket_id = '<bucket>'``, else None."""
    expr = node.get("A_Expr") if isinstance(node, dict) else None
    if not expr or expr.get("kind") != "AEXPR_OP" or [n["String"]["sval"] for n in expr["name"]] != ["="]:
        return None
    sides = [expr.get("lexpr", {}), expr.get("rexpr", {})]
    cols = [s for s in sides if sh.columns_in(s) == {"bucket_id"} and "ColumnRef" in s]
    consts = [s["A_Const"]["sval"]["sval"] for s in sides if "sval" in s.get("A_Const", {})]
    return consts[0] if cols and consts else None


@rule("public-bucket-allows-listing", "warning",
      "A SELECT policy on storage.objects for API roles whose only condition is the bucket (or none): clients "
      "may list every file (Supabase's advisor: public_bucket_allows_listing).")
def public_bucket_allows_listing(ctx: Context) -> Iterator[Finding]:
    for p in ctx.children(STORAGE_OBJECTS, Kind.POLICY):
        roles = {r.lower() for r in p.roles}
        if p.command not in ("select", "all") or not p.permissive or not roles & {"public", *API_ROLES}:
            continue
        node = sh.parse_expression(p.using) if p.using else None
        if p.using is None or sh.is_true(node):
            scope = "every bucket"
        elif (bucket := _bucket_only(node)) is not None:
            scope = f"bucket {bucket!r}"
        else:
            continue
        who = ", ".join(sorted(roles))
        yield ctx.finding(p, f"lets {who} list every file of {scope}: a public bucket serves its files by URL "
                             "without any select policy, so this only adds listing (and for a private bucket "
                             "it makes every file readable)", *(("using",) if p.using else ()),
                          hint="narrow it to the caller's own folder, e.g. (storage.foldername(name))[1] = "
                               "(select auth.uid())::text, or drop it for a public bucket")
