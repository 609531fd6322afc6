"""``seed_test_data.sql`` from the spec's fixtures.

The script refuses to run unless the database itself is marked as a development or test database
(:data:`MARKER_SETTING`, a database-level setting read from the catalog, so marking takes effect
without reconnecting), removes earlier test rows by their fixed primary keys, inserts the fixtures
and reports what it loaded.
"""

from __future__ import annotations

from pathlib import PurePath

from ..ir.fixtures import FixtureSet, FixtureTable, resolve_fixtures
from ..ir.model import Model
from ..output import GeneratedFile
from ..quoting import quote_ident, quote_literal, quote_qualified
from ..spec import LoadedSpec
from .env import environment

SEED_FILE = "seed_test_data.sql"
#: The database-level setting that marks a database as safe for test data, and its accepted values.
MARKER_SETTING = "app.environment"
MARKER_VALUES = ("development", "test")
#: What a test harness runs on a fresh database before loading the seed file (no reconnect needed).
MARK_TEST_DATABASE = (
    "DO $mark$ BEGIN EXECUTE pg_catalog.format('ALTER DATABASE %I SET app.environment = %L', "
    "pg_catalog.current_database(), 'test'); END $mark$;"
)


def key_filter(table: FixtureTable) -> str:
    """``WHERE``-condition matching exactly the fixture rows of ``table`` by primary key."""
    cols = [quote_ident(c) for c in table.primary_key]
    keys = table.key_values()
    if len(cols) == 1:
        return f"{cols[0]} IN ({', '.join(k[0] for k in keys)})"
    tuples = ", ".join(f"({', '.join(k)})" for k in keys)
    return f"({', '.join(cols)}) IN ({tuples})"


def seed_rows(table: FixtureTable) -> list[dict[str, object]]:
    """Each row's key (for a comment: the template escapes it) and SQL values in ``table.columns`` order.

    A column a row does not give is ``DEFAULT``.
    """
    return [{"key": row.key,
             "sql": [row.sql.get(c, "DEFAULT") for c in table.columns]} for row in table.rows]


def sequence_advances(table: FixtureTable) -> list[str]:
    """A ``setval`` per sequence-backed column the fixtures give (identity or serial).

    Explicit ids do not move the column's sequence; without this the first insert that takes the
    default collides with a fixture row. The sequence is set to the column's largest value (all rows,
    not only the fixtures), so the next default is past every id in the table.
    """
    name = quote_qualified(table.table.id.schema, table.table.id.name)
    return [f"SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({quote_literal(name)}, {quote_literal(c)}), "
            f"greatest(pg_catalog.max({quote_ident(c)}), 1)) FROM {name};"
            for c in table.sequences]


def render_seed_text(model: Model, fixtures: FixtureSet, *, spec_name: str, templates: str | None = None) -> str:
    """The text of ``seed_test_data.sql`` for ``fixtures``."""
    env = environment(templates)
    tables = [{"fx": t, "filter": key_filter(t), "rows": seed_rows(t),
               "advance": sequence_advances(t)} for t in fixtures.tables]
    text = env.get_template("seed/seed_test_data.sql.j2").render(
        file_name=SEED_FILE, spec_name=spec_name, project=model.project, tables=tables, total=fixtures.row_count,
        marker=MARKER_SETTING, marker_values=MARKER_VALUES,
    )
    return text.rstrip("\n") + "\n"


def render_seed(model: Model, loaded: LoadedSpec, *, templates: str | None = None) -> list[GeneratedFile]:
    """``seed_test_data.sql`` when the spec declares fixtures, else nothing."""
    fixtures = resolve_fixtures(model, loaded)
    if not fixtures:
        return []
    spec_name = PurePath(loaded.source.file).name
    return [GeneratedFile(SEED_FILE, render_seed_text(model, fixtures, spec_name=spec_name, templates=templates))]
