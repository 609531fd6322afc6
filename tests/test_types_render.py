"""database.types.ts rendering: located spec errors for shapes and views, and view inference."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.ir import build
from generator.render.typescript import render_types
from generator.spec import load_spec

BASE = """\
types:
  definitions:
    Prefs: {type: object, properties: {theme: {enum: [light, dark]}}, required: [theme]}
migrations:
  - number: 1
    name: init
    tables:
      - name: t
        columns:
          - {name: id, type: bigint, primary_key: true}
          - {name: prefs, type: jsonb, nullable: false, shape: %s}
          - {name: n, type: integer}
    views:
      - name: v
        query: %s
"""


def _render(tmp_path: Path, shape: str = "Prefs", query: str = "select id, prefs, n * 2 as twice from public.t",
            extra: str = "") -> str:
    spec = tmp_path / "schema.yaml"
    spec.write_text(BASE % (shape, query) + extra)
    loaded = load_spec(spec, display="schema.yaml")
    return render_types(build(loaded), loaded)[0].text


def test_shape_types_the_column_in_typed_database_only(tmp_path: Path) -> None:
    text = _render(tmp_path)
    database, typed = text.split("export type TypedDatabase")
    assert "prefs: NonNullable<Json>" in database and "prefs: Prefs" not in database
    assert "prefs: Prefs" in typed
    assert 'export type Prefs = {\n  theme: "light" | "dark"\n  [key: string]: Json | undefined\n}' in text
    assert "twice: number | null" in text  # integer * integer, and view columns are nullable


def test_unknown_shape_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as exc:
        _render(tmp_path, shape="Nope")
    assert "schema.yaml:11:" in str(exc.value) and "unknown shape 'Nope'" in str(exc.value)


def test_uninferable_view_column_asks_for_a_declaration(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as exc:
        _render(tmp_path, query="select id, some_function(n) as x from public.t")
    assert "cannot infer the type of column 'x'" in str(exc.value)
    assert "declare it under the view's `columns:`" in str(exc.value)


def test_declared_view_column_wins(tmp_path: Path) -> None:
    text = _render(tmp_path, query="select id, some_function(n) as x from public.t",
                   extra="        columns:\n          - {name: x, type: 'text[]'}\n")
    assert "x: string[] | null" in text
