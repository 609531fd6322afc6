"""Shared fixtures: ``--regen`` for golden files, and one real Postgres per session.

The server follows schemagen's own selection: ``$SCHEMAGEN_DSN``, then ``$SCHEMAGEN_PG_BIN``, then
testcontainers (if Docker answers), then the embedded wheel.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from generator.verify.backends import Database, Server, start_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen", action="store_true", default=False,
                     help="rewrite the expected/ files of golden cases from the current output")


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A Postgres server shared by the whole test session."""
    with start_server() as server:
        yield server


@pytest.fixture
def fresh_db(pg_server: Server) -> Iterator[Database]:
    """A new empty database, dropped after the test."""
    with pg_server.new_database() as db:
        yield db


@pytest.fixture
def conn(fresh_db: Database) -> Iterator[psycopg.Connection]:
    """An autocommit connection to ``fresh_db``."""
    with psycopg.connect(fresh_db.dsn, autocommit=True) as connection:
        yield connection


_PG_FIXTURES = {"pg_server", "fresh_db", "conn"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that uses a Postgres fixture is marked ``pg``, so ``-m "not pg"`` really skips them."""
    for item in items:
        if _PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pg)


@pytest.fixture(autouse=True)
def _forbid_postgres_unless_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked ``pg`` that reaches for a Postgres server fails loudly instead of starting one."""
    if request.node.get_closest_marker("pg") is not None:
        return
    from generator.verify import backends

    def refuse(*_args: object, **_kwargs: object) -> backends.Server:
        raise RuntimeError(f"{request.node.nodeid} starts Postgres but is not marked pg")

    for starter in ("_dsn_server", "_pg_bin_server", "_testcontainers_server", "_embedded_server"):
        monkeypatch.setattr(backends, starter, refuse)
