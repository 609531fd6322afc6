"""The committed out/ is exactly what schema.yaml generates (the same check CI's users run)."""

from __future__ import annotations

from pathlib import Path

from generator.history import load_history
from generator.output import compare_out
from generator.pipeline import generate

ROOT = Path(__file__).resolve().parents[1]


def test_out_matches_schema_yaml() -> None:
    result = generate(ROOT / "schema.yaml", display="schema.yaml", history=load_history(ROOT / "out"))
    drift = compare_out(ROOT / "out", result.files)
    assert not drift, "out/ is stale: run `schemagen generate` and commit out/\n" + "".join(d for _, d in drift.changed)


def test_platform_has_the_documents_files() -> None:
    result = generate(ROOT / "schema.yaml", display="schema.yaml")
    names = {f.name for f in result.files}
    for up, down in [("001_create_tenants_table", "001_tenants"), ("002_create_users_table", "002_users"),
                     ("003_create_conversations_table", "003_conversations"),
                     ("004_create_messages_table", "004_messages"), ("005_create_feedback_table", "005_feedback"),
                     ("006_create_usage_metrics_table", "006_usage_metrics")]:
        assert f"{up}.sql" in names and f"rollback_{down}.sql" in names
    assert "rollback_all.sql" in names
    tables = {o.id.name for o in result.model.of_kind("table")}
    assert tables == {"tenants", "users", "conversations", "messages", "feedback", "usage_metrics"}
    assert all(t.rls_enable for t in result.model.of_kind("table"))
