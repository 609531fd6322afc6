"""The platform behaves as declared, on real Postgres: triggers, constraints, the atomic usage
function under concurrency, concurrent materialized-view refresh, and a clean rollback_all with data."""

from __future__ import annotations

import json
import threading
import time
import uuid

import psycopg
import pytest

from generator.verify.backends import Database
from generator.verify.cron import install_cron
from generator.verify.snapshot import diff_snapshots, take_snapshot
from generator.verify.standin import install_supabase_standin
from tests.outdb import OUT, migration_files


@pytest.fixture
def platform(fresh_db: Database) -> psycopg.Connection:
    """An autocommit connection to a fresh database built from out/, with one tenant and two users."""
    conn = psycopg.connect(fresh_db.dsn, autocommit=True)
    install_supabase_standin(conn)
    install_cron(conn)  # migration 007 schedules pg_cron jobs
    for path in migration_files():
        conn.execute(path.read_text(encoding="utf-8"))
    conn.execute("""
        insert into public.tenants (id, name, slug, llm_provider, llm_model)
        values ('00000000-0000-0000-0000-0000000000a1', 'Acme', 'acme', 'openai', 'gpt-4o');
        insert into public.users (id, tenant_id, auth_id, email, role) values
          ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1',
           gen_random_uuid(), 'owner@acme.test', 'owner'),
          ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1',
           gen_random_uuid(), 'member@acme.test', 'member');
        insert into public.conversations (id, tenant_id, user_id, title) values
          ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1',
           '00000000-0000-0000-0000-0000000000b1', 'hello');
    """)
    yield conn
    conn.close()


TENANT, OWNER, MEMBER, CONV = (f"00000000-0000-0000-0000-0000000000{s}" for s in ("a1", "b1", "b2", "c1"))


def test_updated_at_moves_on_update(platform: psycopg.Connection) -> None:
    before = platform.execute("select updated_at from public.conversations where id = %s", (CONV,)).fetchone()[0]
    time.sleep(0.01)
    platform.execute("update public.conversations set title = 'renamed' where id = %s", (CONV,))
    after, created = platform.execute(
        "select updated_at, created_at from public.conversations where id = %s", (CONV,)).fetchone()
    assert after > before and after > created
    t_before = platform.execute("select updated_at from public.tenants where id = %s", (TENANT,)).fetchone()[0]
    platform.execute("update public.tenants set name = 'Acme Inc' where id = %s", (TENANT,))
    assert platform.execute("select updated_at from public.tenants where id = %s", (TENANT,)).fetchone()[0] > t_before


def test_new_message_bumps_its_conversation(platform: psycopg.Connection) -> None:
    before = platform.execute("select updated_at from public.conversations where id = %s", (CONV,)).fetchone()[0]
    time.sleep(0.01)
    platform.execute("insert into public.messages (conversation_id, role, content) values (%s, 'user', 'hi')",
                     (CONV,))
    after = platform.execute("select updated_at from public.conversations where id = %s", (CONV,)).fetchone()[0]
    assert after > before


@pytest.mark.parametrize(("sql", "constraint"), [
    ("insert into public.messages (conversation_id, role, content) values (%(conv)s, 'robot', 'x')",
     "messages_role_check"),
    ("insert into public.feedback (message_id, user_id, rating) values (%(msg)s, %(owner)s, 0)",
     "feedback_rating_check"),
    ("insert into public.feedback (message_id, user_id, rating, comment) values (%(msg)s, %(owner)s, 1, "
     "repeat('x', 5001))", "feedback_comment_check"),
    ("insert into public.usage_metrics (tenant_id, user_id, prompt_tokens, completion_tokens, total_tokens) "
     "values (%(tenant)s, %(owner)s, 10, 5, 16)", "usage_metrics_total_tokens_sum_check"),
])
def test_constraints_reject_bad_rows(platform: psycopg.Connection, sql: str, constraint: str) -> None:
    msg = platform.execute("insert into public.messages (conversation_id, role, content) values (%s, 'assistant', "
                           "'answer') returning id", (CONV,)).fetchone()[0]
    params = {"conv": CONV, "msg": msg, "owner": OWNER, "tenant": TENANT}
    with pytest.raises(psycopg.errors.CheckViolation) as info:
        platform.execute(sql, params)
    assert info.value.diag.constraint_name == constraint


def test_a_5000_character_comment_and_the_exact_sum_are_accepted(platform: psycopg.Connection) -> None:
    msg = platform.execute("insert into public.messages (conversation_id, role, content) values (%s, 'assistant', "
                           "'answer') returning id", (CONV,)).fetchone()[0]
    platform.execute("insert into public.feedback (message_id, user_id, rating, comment) "
                     "values (%s, %s, -1, repeat('x', 5000))", (msg, OWNER))
    platform.execute("insert into public.usage_metrics (tenant_id, user_id, prompt_tokens, completion_tokens, "
                     "total_tokens) values (%s, %s, 10, 5, 15)", (TENANT, OWNER))
    stored = platform.execute("select length(comment) from public.feedback where message_id = %s", (msg,)).fetchone()
    assert stored == (5000,)
    totals = platform.execute("select prompt_tokens, completion_tokens, total_tokens from public.usage_metrics "
                              "where tenant_id = %s and user_id = %s", (TENANT, OWNER)).fetchall()
    assert totals == [(10, 5, 15)]


def test_increment_usage_metrics_is_exact_under_concurrency(platform: psycopg.Connection,
                                                           fresh_db: Database) -> None:
    workers, calls = 8, 40
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with psycopg.connect(fresh_db.dsn, autocommit=True) as conn:
                conn.execute("set role service_role")
                start.wait()
                for _ in range(calls):
                    conn.execute("select * from public.increment_usage_metrics(%s, %s, %s, %s, %s, %s::date)",
                                 (TENANT, MEMBER, 3, 2, "0.001", "2026-01-15"))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = platform.execute(
        "select prompt_tokens, completion_tokens, total_tokens, request_count, estimated_cost "
        "from public.usage_metrics where tenant_id = %s and user_id = %s and date = '2026-01-15'",
        (TENANT, MEMBER)).fetchall()
    n = workers * calls
    assert len(rows) == 1
    prompt, completion, total, requests, cost = rows[0]
    assert (prompt, completion, total, requests) == (3 * n, 2 * n, 5 * n, n)
    assert str(cost) == f"{n * 0.001:.6f}"


def test_materialized_views_refresh_concurrently(platform: psycopg.Connection) -> None:
    msg = platform.execute("insert into public.messages (conversation_id, role, content) values (%s, 'assistant', "
                           "'answer') returning id", (CONV,)).fetchone()[0]
    platform.execute("insert into public.feedback (message_id, user_id, rating) values (%s, %s, 1), (%s, %s, -1)",
                     (msg, OWNER, msg, MEMBER))
    platform.execute("select public.increment_usage_metrics(%s, %s, 10, 5)", (TENANT, OWNER))
    platform.execute("refresh materialized view concurrently public.message_feedback_summary")
    platform.execute("refresh materialized view concurrently public.monthly_usage_summary")
    counts = platform.execute("select * from public.message_feedback_summary where message_id = %s",
                              (msg,)).fetchone()
    assert counts is not None and 2 in counts  # total feedback for the message
    monthly = platform.execute("select count(*) from public.monthly_usage_summary").fetchone()[0]
    assert monthly == 1


def test_rollback_all_with_data_leaves_nothing_of_ours(fresh_db: Database) -> None:
    with psycopg.connect(fresh_db.dsn, autocommit=True) as conn:
        install_supabase_standin(conn)
        install_cron(conn)
        baseline = take_snapshot(conn)
        for path in migration_files():
            conn.execute(path.read_text(encoding="utf-8"))
        conn.execute("alter database " + conn.info.dbname + " set app.environment = 'test'")
        conn.execute((OUT / "seed_test_data.sql").read_text(encoding="utf-8"))
        assert conn.execute("select count(*) from public.messages").fetchone()[0] > 0
        conn.execute((OUT / "rollback_all.sql").read_text(encoding="utf-8"))
        after = take_snapshot(conn)
    assert diff_snapshots(baseline, after) == []


def test_unknown_ids_are_not_leaked_by_uuid_guessing(platform: psycopg.Connection) -> None:
    """The fixture ids above are guessable; RLS, not obscurity, keeps other tenants out."""
    claims = json.dumps({"sub": str(uuid.uuid4()), "role": "authenticated"})
    platform.execute("select set_config('request.jwt.claims', %s, false)", (claims,))
    platform.execute("set role authenticated")
    assert platform.execute("select count(*) from public.conversations").fetchone()[0] == 0
    platform.execute("reset role")
