"""Tests of generator.verify against a real Postgres."""
