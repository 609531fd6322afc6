"""Pull's pure parts, without a database: the YAML it prints and the catalog text it parses."""

from __future__ import annotations

import yaml

from generator.pull.catalog import Unsupported
from generator.pull.emit import to_yaml
from generator.pull.kinds.function import body_text, parse_search_path
from generator.pull.kinds.table import _check_expression


def test_yaml_is_deterministic_and_keeps_text_exact() -> None:
    data = {"version": 1, "migrations": [{"number": 1, "name": "baseline", "functions": [
        {"name": "f", "returns": "integer", "body": "begin\n  return 1;\nend;", "verbatim": False},
        {"name": "g", "returns": "integer", "body": "  select 1  ", "verbatim": True}]}]}
    text = to_yaml(data, [Unsupported("domain", "public.d"), Unsupported("domain", "public.d")], "Pulled.")
    assert text == to_yaml(data, [Unsupported("domain", "public.d")], "Pulled.")
    assert text.startswith("# Pulled.\n# Left out:") and text.count("#   - domain public.d") == 1
    assert "\r" not in text and text.endswith("\n")
    assert yaml.safe_load(text) == data  # bodies and leading/trailing spaces survive


def test_catalog_text_parsers() -> None:
    assert parse_search_path('"My Schema", pg_temp') == "My Schema, pg_temp"
    assert parse_search_path('""') == ""
    assert parse_search_path("pg_catalog, pg_temp") == "pg_catalog, pg_temp"
    assert body_text("\nselect 1\n") == ("select 1", False)
    assert body_text(" select 1 ") == (" select 1 ", True)
    assert body_text("\n  select 1\n") == ("\n  select 1\n", True)
    assert _check_expression("CHECK ((a > 0))") == "a > 0"
    assert _check_expression("CHECK (((a > 0) AND (b > 0)))") == "(a > 0) AND (b > 0)"
    assert _check_expression("CHECK ((a)::text <> ')(')") == "(a)::text <> ')('"
