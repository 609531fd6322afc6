"""Connect, read every kind, make the spec text, write it, generate ``out/``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from ..errors import SchemagenError, SpecError
from ..history import UnrecordedChanges, load_history
from ..ir import build
from ..lint import blocking, run_lint
from ..output import write_out
from ..spec import load_spec
from .catalog import Unsupported, open_catalog
from .emit import spec_data, to_yaml
from .kinds import (
    Item,
    composite_type,
    domain,
    enum,
    extension,
    function,
    index,
    job,
    policy,
    schema,
    sequence,
    table,
    trigger,
    unsupported,
    view,
)

#: What a Supabase project also has before its first migration, beyond the verify stand-in (which
#: holds Storage's tables and path helpers): the ``extensions`` schema on the search_path, with
#: uuid-ossp and pgcrypto where this server has them.
SUPABASE_EXTRAS = """
create schema if not exists extensions;
do $$
declare x text;
begin
  foreach x in array array['uuid-ossp', 'pgcrypto'] loop
    if exists (select from pg_available_extensions where name = x) then
      execute format('create extension if not exists %I with schema extensions', x);
    end if;
  end loop;
end
$$;
set search_path = "$user", public, extensions;
"""

READERS = (schema, extension, enum, domain, composite_type, sequence, function, table, view, index, policy, trigger,
           job, unsupported)
WAIVER_REASON = "Pulled as the database holds it; tighten it with a migration."


class PullError(SchemagenError):
    """Bad input to pull (exit 2)."""

    exit_code = 2


class ConnectError(SchemagenError):
    """The database cannot be reached (exit 3)."""

    exit_code = 3


class UnsupportedObjects(SchemagenError):
    """The database holds objects the language cannot represent (exit 4); each is listed."""

    exit_code = 4

    def __init__(self, objects: Sequence[Unsupported], note: str = "") -> None:
        self.objects = tuple(sorted(set(objects)))
        lines = [f"the database holds {len(self.objects)} object(s) the spec language cannot represent:"]
        lines += [f"  - {u}" for u in self.objects]
        lines.append(note or "hint: pass --skip-unsupported to write the rest (they are listed at the top of "
                             "the spec)")
        super().__init__("\n".join(lines))


@dataclass(slots=True)
class Pulled:
    """What one pull read: the spec text and data, and what it had to leave out."""

    text: str
    data: dict[str, Any]
    skipped: list[Unsupported]
    supabase: bool
    schemas: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


def connect(dsn: str) -> psycopg.Connection:
    """A connection to ``dsn``, or ConnectError (exit 3)."""
    try:
        return psycopg.connect(dsn, connect_timeout=5, autocommit=True)
    except psycopg.Error as exc:
        raise ConnectError(f"cannot connect to the database: {' '.join(str(exc).split())}") from None


def read_database(conn: psycopg.Connection, *, schemas: Iterable[str] | None = None, name: str = "baseline",
                  project: str | None = None) -> Pulled:
    """Read the catalog of ``conn`` into a spec (text and data), with lint waivers for what it holds."""
    cat = open_catalog(conn, schemas)
    if schemas:
        found = {r[0] for r in conn.execute("select nspname from pg_namespace where nspname = any(%s)",
                                            (list(cat.schemas),)).fetchall()}
        missing = [s for s in cat.schemas if s not in found]
        if missing:
            raise PullError(f"no schema {', '.join(missing)} in the database")
    items: list[Item] = []
    for reader in READERS:
        items += reader.read(cat)
    if project is None:
        row = conn.execute("select current_database()").fetchone()
        project = str(row[0]) if row else "schema"
    data = spec_data(cat, items, name, project)
    skipped = sorted(set(cat.unsupported))
    header = ("Pulled from a live database by `schemagen pull`.\n"
              "Edit it, then record each change with `schemagen migrate --name <change>`.")
    text = to_yaml(data, skipped, header)
    waivers = _waivers(text)
    if waivers:
        data["lint"] = {"waive": waivers}
        text = to_yaml(data, skipped, header)
    return Pulled(text, data, skipped, cat.supabase, cat.schemas)


def _load_text(text: str) -> Any:
    with tempfile.TemporaryDirectory(prefix="schemagen-pull-") as tmp:
        path = Path(tmp) / "schema.yaml"
        path.write_text(text, encoding="utf-8")
        return load_spec(path, display="pulled schema.yaml")


def _waivers(text: str) -> list[dict[str, str]]:
    """A waiver for each error-level lint finding: a pull states the database as it is."""
    try:
        loaded = _load_text(text)
        model = build(loaded)
    except SpecError:
        return []  # reported when the spec is checked
    out = []
    for f in blocking(run_lint(model, loaded)):
        out.append({"rule": f.rule, "object": str(f.object), "reason": WAIVER_REASON})
    return sorted({(w["rule"], w["object"]): w for w in out}.values(), key=lambda w: (w["object"], w["rule"]))


def pull(dsn: str, spec: Path, out: Path, *, schemas: Iterable[str] | None = None, name: str = "baseline",
         skip_unsupported: bool = False) -> Pulled:
    """``schemagen pull``: write ``spec`` from the database at ``dsn``, then generate ``out``."""
    with connect(dsn) as conn:
        pulled = read_database(conn, schemas=schemas, name=name)
    return write_pulled(pulled, spec, out, skip_unsupported=skip_unsupported)


def write_pulled(pulled: Pulled, spec: Path, out: Path, *, skip_unsupported: bool) -> Pulled:
    """Write the spec and generate ``out`` (unless unsupported objects stop it: exit 4, nothing written)."""
    if pulled.skipped and not skip_unsupported:
        raise UnsupportedObjects(pulled.skipped)
    try:
        _check_generates(pulled.text)
    except SchemagenError as exc:
        problems = "\n".join(f"  {p}" for p in getattr(exc, "problems", None) or [exc])
        if pulled.skipped:
            raise UnsupportedObjects(pulled.skipped, "the rest cannot be written without them:\n" + problems) \
                from None
        raise PullError(f"the pulled spec does not build (a bug in pull; please report it):\n{problems}") from None
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_bytes(pulled.text.encode("utf-8"))
    from ..pipeline import generate

    try:
        result = generate(spec, history=load_history(out))
    except UnrecordedChanges:
        pulled.notes.append(f"{out} already has a migration history: run `schemagen migrate --name <change>` to "
                            "record what changed since its last migration")
        return pulled
    write_out(out, result.files)
    return pulled


def _check_generates(text: str) -> None:
    """Load, build, lint and render the pulled spec before anything is written."""
    from ..pipeline import generate

    with tempfile.TemporaryDirectory(prefix="schemagen-pull-") as tmp:
        path = Path(tmp) / "schema.yaml"
        path.write_text(text, encoding="utf-8")
        generate(path, display="pulled schema.yaml")


def pull_sql(files: Sequence[Path], spec: Path, out: Path, *, plain: bool = False, dsn: str | None = None,
             pg_bin: str | None = None, schemas: Iterable[str] | None = None, name: str = "baseline",
             skip_unsupported: bool = False) -> Pulled:
    """``schemagen pull --sql``: apply ``files`` in order to a throw-away database, then pull it."""
    from ..verify.backends import start_server
    from ..verify.run import execute_sql
    from ..verify.standin import install_supabase_standin

    texts = []
    for f in files:
        try:
            texts.append((f.name, f.read_text(encoding="utf-8")))
        except OSError as exc:
            raise PullError(f"cannot read {f}: {exc.strerror}") from None
    server = start_server(dsn, pg_bin=pg_bin)
    try:
        with server.new_database() as db, psycopg.connect(db.dsn, autocommit=True) as conn:
            if not plain:
                install_supabase_standin(conn)
                conn.execute(SUPABASE_EXTRAS)
            for fname, text in texts:
                problem = execute_sql(conn, fname, text)
                if problem:
                    raise PullError(f"applying {problem}")
            conn.execute("select set_config('search_path', 'pg_catalog', false)")
            pulled = read_database(conn, schemas=schemas, name=name, project=spec.parent.resolve().name or "schema")
    finally:
        server.stop()
    return write_pulled(pulled, spec, out, skip_unsupported=skip_unsupported)
