"""RLS costs a constant number of buffers per query, however large the tenant (issue 14, goal 5).

The document's queries (those of ``bench/rls_latency.py``), as the member and as the admin, are run
as PostgREST runs them: a prepared statement with the app's filter as a parameter, inside a
transaction with ``SET LOCAL ROLE authenticated`` and the JWT claims. The same statement as
``service_role`` (BYPASSRLS) is the no-RLS baseline. ``EXPLAIN (ANALYZE, BUFFERS)`` counts the shared
buffers each touches (hits + reads: the sum does not depend on what is cached, so the figure is
deterministic). RLS may add at most ``MAX_EXTRA`` buffers, at a base tenant and at a tenant ten times
larger: a policy whose cost grows with what the admin can see fails at 10x even when it passes at 1x.
Custom and generic plans are both measured (PostgREST's prepared statements switch to a generic plan
after five executions).

The policies must also leave the plan alone: with RLS, the plan is the one without RLS (the same
nodes on the same relations and indexes) plus the InitPlan that calls the helper. A policy the
planner takes for a selective filter makes it pick another plan (migration 008's bare CASE, which it
estimated to keep half the rows, made it sort a user's 1,000 conversations to return the newest 50
under a generic plan); that costs time even where it saves buffers, so it is a failure here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import psycopg
import pytest

from generator.verify.backends import Database
from tests.outdb import build_from_out

pytestmark = pytest.mark.pg

MAX_EXTRA = 16
CONVERSATIONS_PER_USER = 20
MESSAGES_PER_CONVERSATION = 6
TENANTS = 8
MEMBER, ADMIN = 2, 1  # user numbers in tenant 0 (user 0 is its owner)


def uid(prefix: str, expr: str) -> str:
    """A deterministic uuid SQL expression: md5 of a prefix and a value."""
    return f"md5('{prefix}' || ({expr})::text)::uuid"


def load(conn: psycopg.Connection, users_per_tenant: int, tenants: int = TENANTS) -> None:
    """Set-based load of ``tenants`` tenants of ``users_per_tenant`` users each.

    Several tenants of one size make the planner's estimates those of production (``tenant_id = …``
    selects one tenant's share of the rows). Conversations are stored in a scrambled order, as rows
    written over months by many users are, so a plan that reads every conversation of a tenant
    touches about one page per row and shows at 10x. Works with or without tenant_id on messages
    and feedback (before and after migration 008).
    """
    cols = {(t, c) for t, c in conn.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'public'")}
    carried = ("messages", "tenant_id") in cols
    users = users_per_tenant * tenants
    tenant_of = f"u / {users_per_tenant}"
    rank = f"u % {users_per_tenant}"
    conn.execute("set session_replication_role = replica")
    conn.execute(f"""
        insert into public.tenants (id, name, slug, llm_provider, llm_model)
        select {uid('t', 't')}, 'Tenant ' || t, 'tenant-' || t, 'openai', 'gpt-4o'
          from generate_series(0, {tenants - 1}) t;
        insert into public.users (id, tenant_id, auth_id, email, role)
        select {uid('u', 'u')}, {uid('t', tenant_of)}, {uid('a', 'u')}, 'user' || u || '@example.com',
               case {rank} when 0 then 'owner' when 1 then 'admin' else 'member' end
          from generate_series(0, {users - 1}) u;
        insert into public.conversations (id, tenant_id, user_id, title, created_at, updated_at)
        select {uid('c', "u || '-' || k")}, {uid('t', tenant_of)}, {uid('u', 'u')}, 'c' || k,
               timestamptz '2025-10-01' + ((u * 7919 + k * 104729) % 2592000) * interval '1 second',
               timestamptz '2025-10-01' + ((u * 7919 + k * 104729) % 2592000) * interval '1 second'
          from generate_series(0, {users - 1}) u, generate_series(0, {CONVERSATIONS_PER_USER - 1}) k
         order by md5(u || '/' || k);
        insert into public.messages (id, conversation_id, role, content, created_at
                                     {", tenant_id, user_id" if carried else ""})
        select {uid('m', "c.id || '-' || n")}, c.id,
               case when n % 2 = 0 then 'user' else 'assistant' end, 'message ' || n,
               timestamptz '2025-10-01' + n * interval '1 minute'{", c.tenant_id, c.user_id" if carried else ""}
          from public.conversations c, generate_series(0, {MESSAGES_PER_CONVERSATION - 1}) n;
        insert into public.feedback (message_id, user_id, rating{", tenant_id" if carried else ""})
        select m.id, c.user_id, 1{", c.tenant_id" if carried else ""}
          from public.messages m join public.conversations c on c.id = m.conversation_id
         where m.role = 'assistant';
        insert into public.usage_metrics (tenant_id, user_id, date, prompt_tokens, completion_tokens,
                                          total_tokens, request_count)
        select u.tenant_id, u.id, d::date, 10, 5, 15, 1
          from public.users u, generate_series(date '2025-10-01', date '2025-10-31', interval '1 day') d;
    """)
    conn.execute("set session_replication_role = origin")
    conn.execute("vacuum analyze")


@dataclass(frozen=True)
class Query:
    """A document query as supabase-js sends it: SQL with one parameter, the app's filter value."""

    name: str
    sql: str
    arg: str


def queries(conn: psycopg.Connection, who: str) -> list[Query]:
    """The document's queries for the member (filter user_id) or the admin (filter tenant_id)."""
    member = conn.execute(f"select {uid('u', str(MEMBER))}").fetchone()[0]
    tenant = conn.execute(f"select {uid('t', '0')}").fetchone()[0]
    conv = conn.execute(f"select {uid('c', repr(f'{MEMBER}-0'))}").fetchone()[0]
    second = f"'{conv}-1'"  # the conversation's first assistant message
    msg = conn.execute(f"select {uid('m', second)}").fetchone()[0]
    col, val = ("user_id", member) if who == "member" else ("tenant_id", tenant)
    month = "date >= '2025-10-01' and date < '2025-11-01'"
    cols = "id, title, is_archived, created_at, updated_at"  # the columns of bench/rls_latency.py
    mcols = "id, role, content, token_count, model_used, latency_ms, created_at"
    ucols = "date, prompt_tokens, completion_tokens, total_tokens, request_count, estimated_cost"
    return [
        Query("conversations, newest 50", f"select {cols} from public.conversations "
              f"where {col} = $1 order by updated_at desc limit 50", str(val)),
        Query("conversations, all", f"select {cols} from public.conversations "
              f"where {col} = $1 order by updated_at desc limit 1000", str(val)),
        Query("100 messages of a conversation", f"select {mcols} from public.messages "
              "where conversation_id = $1 order by created_at limit 100", str(conv)),
        Query("feedback of a message", "select id, rating, comment, created_at from public.feedback "
              "where message_id = $1", str(msg)),
        Query("a month of usage", f"select {ucols} from public.usage_metrics "
              f"where {col} = $1 and {month} order by date desc", str(val)),
    ]


Shape = tuple[tuple[str, str, str], ...]


def shape(node: dict, out: list[tuple[str, str, str]] | None = None) -> Shape:
    """The plan's nodes in order (type, relation, index), InitPlans left out: what RLS must not change."""
    out = [] if out is None else out
    out.append((node["Node Type"], node.get("Relation Name", ""), node.get("Index Name", "")))
    for child in node.get("Plans", []):
        if child.get("Parent Relationship") != "InitPlan":
            shape(child, out)
    return tuple(out)


def buffers(conn: psycopg.Connection, q: Query, jwt: str | None, plan_mode: str) -> tuple[int, Shape]:
    """Shared buffers (hit + read) of one execution of the prepared statement, planning excluded, and
    the shape of its plan."""
    with conn.transaction(force_rollback=True):
        if jwt is None:
            conn.execute("set local role service_role")
        else:
            conn.execute("set local role authenticated")
            conn.execute("select set_config('request.jwt.claims', %s, true)", (jwt,))
        conn.execute(f"set local plan_cache_mode = {plan_mode}")
        wrapped = f"select coalesce(json_agg(_t), '[]') from ({q.sql}) _t"
        conn.execute(f"prepare rls_q(uuid) as {wrapped}")
        try:
            for _ in range(2):  # warm: hint bits, relation caches
                conn.execute(f"execute rls_q('{q.arg}')")
            plan = conn.execute(f"explain (analyze, buffers, format json) execute rls_q('{q.arg}')").fetchone()[0]
        finally:
            conn.execute("deallocate rls_q")
    top = plan[0]["Plan"]
    return top["Shared Hit Blocks"] + top["Shared Read Blocks"], shape(top)


def claims(conn: psycopg.Connection, user_no: int) -> str:
    auth_id = conn.execute(f"select {uid('a', str(user_no))}").fetchone()[0]
    return json.dumps({"sub": str(auth_id), "role": "authenticated"})


Figures = dict[tuple[str, str, str], tuple[tuple[int, Shape], tuple[int, Shape]]]


def measure(db: Database, users_per_tenant: int) -> Figures:
    """(who, query, plan mode) → ((buffers, plan shape) with RLS, without) on a freshly loaded database."""
    out = {}
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        build_from_out(conn)
        load(conn, users_per_tenant)
        for who, user_no in (("member", MEMBER), ("admin", ADMIN)):
            jwt = claims(conn, user_no)
            for q in queries(conn, who):
                for mode in ("force_custom_plan", "force_generic_plan"):
                    out[(who, q.name, mode)] = (buffers(conn, q, jwt, mode), buffers(conn, q, None, mode))
    return out


@pytest.mark.parametrize("scale", [1, 10], ids=["tenant-1x", "tenant-10x"])
def test_rls_adds_a_constant_number_of_buffers(pg_server, scale: int) -> None:  # noqa: ANN001
    with pg_server.new_database() as db:
        figures = measure(db, users_per_tenant=10 * scale)
    report = "\n".join(f"  {who:<6} {name:<31} {mode:<19} RLS {rls:>5}  no RLS {plain:>5}  +{rls - plain}"
                       f"{'' if rshape == pshape else '  (another plan)'}"
                       for (who, name, mode), ((rls, rshape), (plain, pshape)) in figures.items())
    print(f"tenant of {10 * scale} users:\n{report}")  # shown with -s: the figures of bench/README.md
    over = {k: v for k, v in figures.items() if v[0][0] - v[1][0] > MAX_EXTRA}
    assert not over, f"RLS adds more than {MAX_EXTRA} buffers (tenant of {10 * scale} users):\n{report}"
    replanned = {k: v for k, v in figures.items() if v[0][1] != v[1][1]}
    assert not replanned, f"RLS changes the plan (tenant of {10 * scale} users):\n{report}"
