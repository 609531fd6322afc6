"""``schemagen diff --dsn``: the migration (and rollback) that would bring a live database to the spec.

Both sides go through the same reader: the spec's migrations are applied to a throw-away
database (the embedded Postgres, or ``--pg-bin``), which is pulled like the live one. Postgres
then has deparsed every expression, view query and type on both sides, so only real differences
remain; they are planned with the ordinary planner and rendered by the ordinary templates.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from ..history import normalize
from ..ir import build
from ..ir.model import MigrationInfo, Model
from ..kinds import Kind
from ..plan import Plan, plan
from ..render.sql import render_migrations
from ..verify.backends import Server
from .catalog import default_schemas, is_supabase
from .run import SUPABASE_EXTRAS, PullError, _load_text, connect, read_database


@dataclass(frozen=True, slots=True)
class Drift:
    """The differences between a live database and the spec, as a plan and its rendered SQL."""

    plan: Plan
    migration: str
    rollback: str
    notes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.plan.ops)

    def objects(self) -> list[dict[str, Any]]:
        """One entry per differing object: what would happen to it to match the spec."""
        seen: dict[str, dict[str, Any]] = {}
        for op in self.plan.ops:
            key = str(op.obj.id)
            entry = seen.setdefault(key, {"object": key, "kind": op.obj.id.kind, "changes": []})
            entry["changes"].append(str(op).split(" ", 1)[0] + (f" {op.part.name}" if op.part is not None
                                                                 else ""))
        return list(seen.values())

    def to_json(self) -> str:
        return json.dumps({"drift": bool(self), "objects": self.objects(), "migration": self.migration,
                           "rollback": self.rollback, "notes": list(self.notes)}, indent=2)


def _state(conn: psycopg.Connection, schemas: list[str], roles: list[str], revoke_from: list[str]) -> tuple[
        Model, list[str]]:
    pulled = read_database(conn, schemas=schemas, project="drift")
    data = pulled.data
    data["roles"] = sorted(set(data.get("roles", ["anon", "authenticated", "service_role"])) | set(roles))
    data["privileges"] = {"revoke_from": revoke_from}
    data.pop("lint", None)
    from .emit import to_yaml

    model = build(_load_text(to_yaml(data)))
    return normalize(model), [f"not compared (the spec cannot represent it): {u}" for u in pulled.skipped]


def diff(dsn: str, spec: Path, out: Path | None = None, *, pg_bin: str | None = None,
         server: Server | None = None) -> Drift:
    """Compare the database at ``dsn`` with the state ``spec`` declares (``out`` is not needed: the spec's
    state is the same whatever its history; it is accepted for symmetry with the other commands)."""
    from ..pipeline import generate
    from ..spec import load_spec
    from ..verify.backends import start_server
    from ..verify.run import execute_sql
    from ..verify.standin import ensure_roles, install_supabase_standin

    loaded = load_spec(spec, display=str(spec))
    model = build(loaded)
    roles = list(loaded.spec.roles)
    revoke_from = list(loaded.spec.privileges.revoke_from)
    declared = ["public", *(o.id.name for o in model.of_kind(Kind.SCHEMA))]
    with connect(dsn) as live:
        live_version = live.info.server_version // 10000
        supabase = is_supabase(live)
        schemas = sorted(set(default_schemas(live, supabase)) | set(declared))
        live_state, notes = _state(live, schemas, roles, revoke_from)
    result = generate(spec, display=spec.name, validate=False)
    own = server is None
    if server is None:
        server = start_server(None, pg_bin=pg_bin)
    if server.server_version // 10000 != live_version:
        notes.append(f"the scratch database runs PostgreSQL {server.server_version // 10000}, the live one "
                       f"{live_version}: deparsed text can differ between versions (use --pg-bin)")
    try:
        with server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as scratch:
            if supabase:
                install_supabase_standin(scratch)
                scratch.execute(SUPABASE_EXTRAS)
            ensure_roles(scratch, roles)
            for f in result.sql_files:
                if f.name[:3].isdigit():
                    problem = execute_sql(scratch, f.name, f.text, f)
                    if problem:
                        raise PullError(f"the spec's migrations do not apply: {problem}")
            spec_state, _ = _state(scratch, schemas, roles, revoke_from)
    finally:
        if own:
            server.stop()
    p = plan(live_state, spec_state, online=True)
    info = MigrationInfo(number=1, name="drift", rollback_name="drift",
                         description="What would bring the live database to the spec.")
    files = render_migrations(dataclasses.replace(spec_state, migrations=(info,)), [(1, p)], spec_name=spec.name,
                              online={1})
    return Drift(p, files[0].text, files[1].text, tuple(notes))
