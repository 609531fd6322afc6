"""Verify tests use the shared Postgres fixtures of tests/conftest.py."""
