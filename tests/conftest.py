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
