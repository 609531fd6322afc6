"""RLS latency: the document's four queries as supabase-js runs them, with RLS and without.

    python bench/rls_latency.py                 # full volume (1,000 users, ~5 M messages)
    python bench/rls_latency.py --scale 0.1     # a tenth of the users (the heavy user stays)
    python bench/rls_latency.py --explain       # also print EXPLAIN (ANALYZE, BUFFERS) of each query
    python bench/rls_latency.py --out /tmp/variant/out   # migrations of a variant spec

Volume (the source document's, for one month): 1,000 users in tenants of 20 (user 0 of each
tenant is its owner, user 1 an admin, the rest members); 100 conversations per user, except one
member with 1,000; 50 messages per conversation, alternating user / assistant (one conversation
of the heavy user has 100); feedback on 10 % of the assistant messages; one usage row per user
per day. Loaded with set-based SQL (``generate_series``), triggers and foreign-key checks off,
secondary indexes built after the load, then ``VACUUM ANALYZE``.

"With RLS" is what PostgREST does for supabase-js: in a transaction, ``SET LOCAL ROLE
authenticated`` and the user's JWT claims in ``request.jwt.claims``, then the query with the app's
own filter (``user_id`` for the member, ``tenant_id`` for the admin; ``--unfiltered`` leaves it
out), wrapped in ``json_agg`` like PostgREST's response body, as a server-side prepared statement
(Postgres plans it custom five times, then generic unless ``plan_cache_mode`` says otherwise).
"Without RLS" is the same statement as ``service_role`` (BYPASSRLS), prepared separately. Each
query runs ``--warmup`` then ``--repeat`` times, the RLS and the plain statement taking turns, so
that a change of load on the machine weighs on both alike; the table gives median and p95 in
milliseconds (client wall time of the query statement alone), the ratio of medians and the shared
buffers of one execution. Figures, not a pass/fail test (the buffers are:
tests/verify/test_rls_buffers.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.verify.backends import start_server  # noqa: E402
from generator.verify.cron import install_cron  # noqa: E402
from generator.verify.run import execute_sql  # noqa: E402
from generator.verify.standin import install_supabase_standin  # noqa: E402

USERS_PER_TENANT = 20
HEAVY = 2  # user number of the member with 1,000 conversations (tenant 0)
ADMIN = 1  # user number of tenant 0's admin
MONTH = ("2025-10-01", "2025-11-01")

# The document's limits (ms), per query family.
TARGET_MS = {"conversations": 10.0, "messages": 20.0, "feedback": 5.0, "usage": 15.0}


def uid(prefix: str, expr: str) -> str:
    """A deterministic uuid SQL expression: md5 of a prefix and a number."""
    return f"md5('{prefix}' || ({expr})::text)::uuid"


def load_sql(users: int, carried: bool = True) -> list[tuple[str, str]]:
    """(label, statement) pairs that load the whole volume with set-based SQL.

    ``carried``: messages carry their conversation's tenant_id and user_id and feedback its tenant_id
    (migration 008); False loads the schema of migrations 001..006.
    """
    tenants = max(1, math.ceil(users / USERS_PER_TENANT))
    tpu = USERS_PER_TENANT
    m_cols = ", tenant_id, user_id" if carried else ""
    m_vals = f", {uid('t', f'u / {tpu}')}, {uid('u', 'u')}" if carried else ""
    f_cols, f_vals = (", tenant_id", ", m.tenant_id") if carried else ("", "")
    return [
        ("tenants", f"""
            insert into public.tenants (id, name, slug, llm_provider, llm_model)
            select {uid('t', 't')}, 'Tenant ' || t, 'tenant-' || t, 'openai', 'gpt-4o'
              from generate_series(0, {tenants - 1}) t"""),
        ("users", f"""
            insert into public.users (id, tenant_id, auth_id, email, name, role)
            select {uid('u', 'u')}, {uid('t', f'u / {tpu}')}, {uid('a', 'u')},
                   'user' || u || '@example.com', 'User ' || u,
                   case u % {tpu} when 0 then 'owner' when 1 then 'admin' else 'member' end
              from generate_series(0, {users - 1}) u"""),
        ("conversations", f"""
            insert into public.conversations (id, tenant_id, user_id, title, is_archived, created_at, updated_at)
            select {uid('c', "u || '-' || k")}, {uid('t', f'u / {tpu}')}, {uid('u', 'u')},
                   'Conversation ' || k, k % 10 = 9,
                   timestamptz '2025-10-01' + (((u * 7919 + k * 104729) % 2592000) * interval '1 second'),
                   timestamptz '2025-10-01' + (((u * 7919 + k * 104729) % 2592000) * interval '1 second')
                     + ((k % 50) * interval '1 minute')
              from generate_series(0, {users - 1}) u,
                   lateral generate_series(0, case when u = {HEAVY} then 999 else 99 end) k"""),
        ("messages", f"""
            insert into public.messages (id, conversation_id, role, content, token_count, model_used,
                                         latency_ms, created_at{m_cols})
            select {uid('m', "u || '-' || k || '-' || n")}, {uid('c', "u || '-' || k")},
                   case when n % 2 = 0 then 'user' else 'assistant' end,
                   'Message ' || n || ' of conversation ' || k || ' of user ' || u,
                   20 + (n * 37 + k) % 400,
                   case when n % 2 = 1 then 'gpt-4o' end,
                   case when n % 2 = 1 then 300 + (n * 53 + k) % 3000 end,
                   timestamptz '2025-10-01' + (((u * 7919 + k * 104729) % 2592000) * interval '1 second')
                     + (n * interval '1 minute'){m_vals}
              from generate_series(0, {users - 1}) u,
                   lateral generate_series(0, case when u = {HEAVY} then 999 else 99 end) k,
                   lateral generate_series(0, case when u = {HEAVY} and k = 0 then 99 else 49 end) n"""),
        ("feedback", f"""
            insert into public.feedback (id, message_id, user_id, rating, comment, created_at{f_cols})
            select {uid('f', 'm.id')}, m.id, c.user_id,
                   case when (hashtext(m.id::text) & 3) = 0 then -1 else 1 end,
                   case when (hashtext(m.id::text) & 7) = 0 then 'Comment on ' || m.id end,
                   m.created_at + interval '5 minutes'{f_vals}
              from public.messages m
              join public.conversations c on c.id = m.conversation_id
             where m.role = 'assistant' and (hashtext(m.id::text) % 10) = 0"""),
        ("usage_metrics", f"""
            insert into public.usage_metrics (tenant_id, user_id, date, prompt_tokens, completion_tokens,
                                              total_tokens, request_count, estimated_cost)
            select {uid('t', f'u / {tpu}')}, {uid('u', 'u')}, d::date,
                   1000 + (u * 31 + extract(day from d)::int * 17) % 5000,
                   500 + (u * 13 + extract(day from d)::int * 7) % 3000,
                   1500 + (u * 31 + extract(day from d)::int * 17) % 5000
                        + (u * 13 + extract(day from d)::int * 7) % 3000,
                   10 + u % 40, 0.01 * (1 + u % 7)
              from generate_series(0, {users - 1}) u,
                   generate_series(date '{MONTH[0]}', date '{MONTH[1]}' - 1, interval '1 day') d"""),
    ]


DATA_TABLES = ("tenants", "users", "conversations", "messages", "feedback", "usage_metrics")


def load(conn: psycopg.Connection, users: int, log) -> dict[str, float]:  # noqa: ANN001
    """Bulk-load: drop secondary indexes, insert with triggers and FK checks off, rebuild, analyze."""
    times: dict[str, float] = {}
    conn.execute("set maintenance_work_mem = '1GB'")
    conn.execute("set max_parallel_maintenance_workers = 2")
    indexes = conn.execute("""
        select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind = 'r' and c.relname = any(%s)
           and not exists (select from pg_constraint k where k.conindid = i.indexrelid)""",
                           (list(DATA_TABLES),)).fetchall()
    for name, _ in indexes:
        conn.execute(f"drop index {name}")
    conn.execute("set session_replication_role = replica")  # no triggers, no FK checks
    carried = conn.execute("""select count(*) from information_schema.columns where table_schema = 'public'
                                and table_name = 'messages' and column_name = 'tenant_id'""").fetchone()[0] > 0
    for label, stmt in load_sql(users, carried):
        t = time.perf_counter()
        n = conn.execute(stmt).rowcount
        times[label] = time.perf_counter() - t
        log(f"  loaded {n:>9,} {label} in {times[label]:.1f} s")
    conn.execute("set session_replication_role = origin")
    t = time.perf_counter()
    for _, ddl in indexes:
        conn.execute(ddl)
    times["indexes"] = time.perf_counter() - t
    log(f"  rebuilt {len(indexes)} secondary indexes in {times['indexes']:.1f} s")
    t = time.perf_counter()
    conn.execute("vacuum analyze")
    times["vacuum analyze"] = time.perf_counter() - t
    return times


@dataclass(frozen=True, slots=True)
class Query:
    """One query as supabase-js sends it: SQL with one parameter (``%s``) and its value.

    ``rls`` is what the client sends (with the app's own filter unless ``--unfiltered``); ``plain``
    is the same statement run without RLS (as service_role, which bypasses it).
    """

    name: str
    family: str
    who: str  # 'member' (the heavy user) or 'admin'
    rls: str
    plain: str
    arg: str


def queries(conn: psycopg.Connection, unfiltered: bool = False) -> list[Query]:
    """The document's four queries (conversation list twice), for the heavy member and an admin.

    The member's app filters by ``user_id``, the admin's by ``tenant_id`` (Supabase's advice: add the
    filter even though RLS implies it, so that an index can lead). ``unfiltered`` sends the RLS side
    without it, as the first version of this benchmark did.
    """
    heavy = conn.execute(f"select {uid('u', str(HEAVY))}").fetchone()[0]
    tenant = conn.execute(f"select {uid('t', '0')}").fetchone()[0]
    first_conv = "'" + f"{HEAVY}-0" + "'"
    conv = conn.execute(f"select {uid('c', first_conv)}").fetchone()[0]
    msg = conn.execute("""select f.message_id from public.feedback f join public.messages m on m.id = f.message_id
                          where m.conversation_id = %s order by m.created_at limit 1""", (conv,)).fetchone()[0]
    cols = "id, title, is_archived, created_at, updated_at"
    mcols = "id, role, content, token_count, model_used, latency_ms, created_at"
    ucols = "date, prompt_tokens, completion_tokens, total_tokens, request_count, estimated_cost"
    month = f"date >= '{MONTH[0]}' and date < '{MONTH[1]}'"
    out = []
    for who, col, val in (("member", "user_id", heavy), ("admin", "tenant_id", tenant)):
        f = f"{col} = %s"
        conv_list = f"select {cols} from public.conversations where {f} order by updated_at desc limit "
        usage = f"select {ucols} from public.usage_metrics where {f} and {month} order by date desc"
        messages = (f"select {mcols} from public.messages where conversation_id = %s "
                    "order by created_at limit 100")
        feedback = "select id, rating, comment, created_at from public.feedback where message_id = %s"
        rows = [("conversations, newest 50", "conversations", conv_list + "50", str(val)),
                ("conversations, all 1,000", "conversations", conv_list + "1000", str(val)),
                ("100 messages of a conversation", "messages", messages, str(conv)),
                ("feedback of a message", "feedback", feedback, str(msg)),
                ("a month of usage", "usage", usage, str(val))]
        for name, family, sql, arg in rows:
            rls = sql
            if unfiltered and f in sql:
                rls = sql.replace(f" where {f} and ", " where ").replace(f" where {f}", "")
            out.append(Query(name, family, who, rls, sql, arg))
    return out


def wrap(sql: str) -> str:
    """PostgREST's response shape: the rows as one JSON array."""
    return f"select coalesce(json_agg(_t), '[]') from ({sql}) _t"


def claims(conn: psycopg.Connection, user_no: int) -> str:
    auth_id = conn.execute(f"select {uid('a', str(user_no))}").fetchone()[0]
    return json.dumps({"sub": str(auth_id), "role": "authenticated", "aud": "authenticated"})


def _begin(conn: psycopg.Connection, jwt: str | None, plan_mode: str) -> None:
    """PostgREST's transaction preamble: role and claims (or service_role), and the plan cache mode."""
    conn.execute(f"set local plan_cache_mode = {plan_mode}")
    if jwt is None:
        conn.execute("set local role service_role")
    else:
        conn.execute("set local role authenticated")
        conn.execute("select set_config('request.jwt.claims', %s, true)", (jwt,))


def run_once(conn: psycopg.Connection, sql: str, arg: str | None, jwt: str | None, plan_mode: str) -> float:
    """One request: a transaction like PostgREST's, the query as a server-side prepared statement
    (Postgres plans it custom five times, then generic when that is not costlier, unless
    ``plan_mode`` forces one); returns the query's wall time in ms."""
    params = (arg,) if "%s" in sql else None
    with conn.transaction(force_rollback=True):
        _begin(conn, jwt, plan_mode)
        t = time.perf_counter()
        conn.execute(sql, params, prepare=True).fetchall()
        return (time.perf_counter() - t) * 1000


PLAIN_TAG = "/* without RLS */ "  # the plain side's own prepared statement (psycopg keys them by text)


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and p95 of timings (ms)."""
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, math.ceil(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95


def measure(conn: psycopg.Connection, rls_sql: str, plain_sql: str, arg: str, jwt: str, repeat: int,
            warmup: int, plan_mode: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """(median, p95) with RLS and without, the two statements taking turns.

    Taking turns spreads a change of load (other work on the machine) over both sides instead of
    letting it fall on one. Each side is its own prepared statement: one statement run by two roles
    would be planned again at every switch (a plan that applies RLS is kept for its role only).
    """
    plain_sql = PLAIN_TAG + plain_sql
    for _ in range(warmup):
        run_once(conn, rls_sql, arg, jwt, plan_mode)
        run_once(conn, plain_sql, arg, None, plan_mode)
    rls, plain = [], []
    for _ in range(repeat):
        rls.append(run_once(conn, rls_sql, arg, jwt, plan_mode))
        plain.append(run_once(conn, plain_sql, arg, None, plan_mode))
    return summary(rls), summary(plain)


def explain(conn: psycopg.Connection, sql: str, arg: str, jwt: str | None, plan_mode: str) -> tuple[str, int]:
    """The plan of one execution of the prepared statement, and its shared buffers (hit + read)."""
    text = sql.replace("%s", "$1")
    with conn.transaction(force_rollback=True):
        _begin(conn, jwt, plan_mode)
        conn.execute(f"prepare bench_q{'(uuid)' if '$1' in text else ''} as {text}")
        try:
            call = f"execute bench_q('{arg}')" if "$1" in text else "execute bench_q"
            for _ in range(6):  # past the five custom plans, as PostgREST's connection would be
                conn.execute(call)
            plan = conn.execute(f"explain (analyze, buffers, format json) {call}").fetchone()[0]
            rows = conn.execute(f"explain (analyze, buffers, costs off, summary off) {call}").fetchall()
        finally:
            conn.execute("deallocate bench_q")
    top = plan[0]["Plan"]
    return "\n".join("    " + r[0] for r in rows), top["Shared Hit Blocks"] + top["Shared Read Blocks"]


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the 1,000 users (default 1.0)")
    ap.add_argument("--out", type=Path, default=ROOT / "out", help="folder with 001..006 migrations")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of every query")
    ap.add_argument("--dsn", default=None, help="a server to create the throw-away database in")
    ap.add_argument("--plan-cache-mode", nargs="+", default=["auto", "force_generic_plan"],
                    choices=["auto", "force_generic_plan", "force_custom_plan"],
                    help="plan cache modes to measure, each a full table (default: auto force_generic_plan)")
    ap.add_argument("--unfiltered", action="store_true",
                    help="send the RLS side without the app's user_id / tenant_id filter")
    ap.add_argument("--rollback-last", action="store_true",
                    help="then run the last migration's rollback and measure again, on the same data "
                         "(the last migration against the one before it, side by side)")
    args = ap.parse_args()
    users = max(USERS_PER_TENANT, round(1000 * args.scale))

    def log(msg: str) -> None:
        print(msg, flush=True)

    migrations = sorted(p for p in args.out.glob("[0-9][0-9][0-9]_*.sql"))
    if not migrations:
        print(f"no migrations in {args.out}: run `schemagen generate` first", file=sys.stderr)
        return 2
    rollback = None
    if args.rollback_last:
        found = sorted(args.out.glob(f"rollback_{migrations[-1].name[:3]}_*.sql"))
        if not found:
            print(f"no rollback of {migrations[-1].name} in {args.out}", file=sys.stderr)
            return 2
        rollback = found[0]
    server = start_server(args.dsn)
    try:
        with server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as conn:
            log(f"{server.description}; {users:,} users (scale {args.scale:g}); migrations from {args.out}")
            install_supabase_standin(conn)
            install_cron(conn)  # migration 007 schedules pg_cron jobs
            for path in migrations:
                problem = execute_sql(conn, path.name, path.read_text(encoding="utf-8"))  # as psql runs it
                if problem:
                    raise SystemExit(problem)
            t = time.perf_counter()
            load(conn, users, log)
            log(f"  load total {time.perf_counter() - t:.1f} s")
            counts = {t: conn.execute(f"select count(*) from public.{t}").fetchone()[0] for t in DATA_TABLES}
            log("  rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
            if rollback:
                log(f"\n== with {migrations[-1].name}")
            report(conn, args)
            if rollback:
                problem = execute_sql(conn, rollback.name, rollback.read_text(encoding="utf-8"))
                if problem:
                    raise SystemExit(problem)
                conn.execute("vacuum analyze")
                before = migrations[-2].name if len(migrations) > 1 else "none"
                log(f"\n== after {rollback.name} (migrations up to {before})")
                report(conn, args)
    finally:
        server.stop()
    return 0


def report(conn: psycopg.Connection, args: argparse.Namespace) -> None:
    jwts = {"member": claims(conn, HEAVY), "admin": claims(conn, ADMIN)}
    for q in queries(conn, args.unfiltered):  # one pass over everything first: the first query measured
        for _ in range(args.warmup):          # is not the one that brings the data into the caches
            run_once(conn, wrap(q.rls), q.arg, jwts[q.who], args.plan_cache_mode[0])
            run_once(conn, PLAIN_TAG + wrap(q.plain), q.arg, None, args.plan_cache_mode[0])
    for mode in args.plan_cache_mode:
        rows = []
        load_before = os.getloadavg()[0]
        for q in queries(conn, args.unfiltered):
            rls, plain = measure(conn, wrap(q.rls), wrap(q.plain), q.arg, jwts[q.who], args.repeat, args.warmup,
                                 mode)
            rplan, rbuf = explain(conn, wrap(q.rls), q.arg, jwts[q.who], mode)
            pplan, pbuf = explain(conn, wrap(q.plain), q.arg, None, mode)
            rows.append((q, rls, plain, rbuf, pbuf))
            if args.explain:
                print(f"\n-- {q.who}: {q.name}, with RLS ({mode})\n{rplan}")
                print(f"-- {q.who}: {q.name}, without RLS ({mode})\n{pplan}")
        print(f"\nplan_cache_mode = {mode}" + (" (RLS side without the app's filter)" if args.unfiltered else "")
              + f"; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        head = (f"{'as':<7} {'query':<31} {'RLS med':>8} {'p95':>7} {'plain med':>10} {'p95':>7} {'ratio':>6} "
                f"{'limit':>6} {'buffers RLS/plain':>18}")
        print(head)
        print("-" * len(head))
        for who in ("member", "admin"):
            ratios = []
            for q, (rm, rp), (pm, pp), rbuf, pbuf in (r for r in rows if r[0].who == who):
                ratio = rm / pm
                ratios.append(ratio)
                limit = TARGET_MS[q.family]
                flag = "" if rm <= limit else " !"
                print(f"{who:<7} {q.name:<31} {rm:>8.2f} {rp:>7.2f} {pm:>10.2f} {pp:>7.2f} {ratio:>6.2f} "
                      f"{limit:>6.0f}{flag:<2} {rbuf:>8} / {pbuf:<7}")
            print(f"{who:<7} {'geometric mean of ratios':<31} {'':>8} {'':>7} {'':>10} {'':>7} "
                  f"{geomean(ratios):>6.2f}   worst {max(ratios):.2f}")
    print("\nms, client wall time of the query statement; ratio = RLS median / plain median; "
          "targets: geomean <= 1.5, each <= 2; '!' = over the document's limit; buffers = shared hit + read "
          "of one execution")


if __name__ == "__main__":
    raise SystemExit(main())
