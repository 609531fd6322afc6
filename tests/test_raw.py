"""Raw SQL objects (generator/ir/raw.py): parsing and located errors, dependency order, and a changed
``up``/``down`` planned as the old down then the new up (with the inverse as its rollback)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.ir import build
from generator.ir.raw import RawIR, raw_id
from generator.pipeline import generate
from generator.plan import plan
from generator.spec import load_spec

SPEC = """\
version: 1
migrations:
  - number: 1
    name: init
    raw:
      - name: fill
        up: alter table public.t set (fillfactor = 70)
        down: alter table public.t reset (fillfactor)
      - name: helper view
        up: create view public.v as select public.f(id) as x from public.t
        down: drop view public.v
    tables:
      - name: t
        columns: [{name: id, type: int, primary_key: true}]
        grants: [{privileges: [select], to: [service_role]}]
    functions:
      - name: f
        arguments: [{name: x, type: int}]
        returns: int
        language: sql
        body: select x
"""


def _write(tmp_path: Path, text: str, name: str = "schema.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_raw_sql_depends_on_what_its_up_names_and_not_on_what_it_creates(tmp_path: Path) -> None:
    model = build(load_spec(_write(tmp_path, SPEC)))
    fill, view = raw_id("fill"), raw_id("helper view")
    assert {str(d) for d in model.deps[fill]} == {"table public.t"}
    assert {str(d) for d in model.deps[view]} == {"table public.t", "function public.f(int)"}  # not view public.v
    order = [str(i) for i in model.order]
    assert order.index("raw fill") > order.index("table public.t")  # declared before it, placed after it
    assert order.index("raw helper view") > max(order.index("table public.t"), order.index("function public.f(int)"))
    sql = generate(_write(tmp_path, SPEC, "g.yaml")).sql_files
    text = sql[0].text
    assert text.index("alter table public.t set (fillfactor = 70);") > text.index("CREATE TABLE")


@pytest.mark.parametrize(("up", "message"), [
    ("alter table public.t set (fillfactor = 70", "raw 'fill' up: invalid SQL: syntax error at end of input"),
    ("commit", "raw 'fill' up: Transaction statements cannot run inside a migration's transaction"),
    ("vacuum public.t", "raw 'fill' up: Vacuum statements cannot run inside a migration's transaction"),
])
def test_bad_raw_sql_is_a_located_error(tmp_path: Path, up: str, message: str) -> None:
    bad = SPEC.replace("alter table public.t set (fillfactor = 70)", f"'{up}'")
    with pytest.raises(SpecError) as err:
        build(load_spec(_write(tmp_path, bad)))
    [problem] = err.value.problems
    assert (problem.pos.line, problem.pos.col) == (7, 13)  # the up: value
    assert problem.message.startswith(message)


def test_duplicate_raw_names_are_an_error(tmp_path: Path) -> None:
    bad = SPEC.replace("name: helper view", "name: fill")
    with pytest.raises(SpecError) as err:
        build(load_spec(_write(tmp_path, bad)))
    assert [p.message.split(" (")[0] for p in err.value.problems] == ["duplicate raw fill"]


def test_a_changed_up_is_the_old_down_then_the_new_up(tmp_path: Path) -> None:
    old = build(load_spec(_write(tmp_path, SPEC, "old.yaml")))
    new = build(load_spec(_write(tmp_path, SPEC.replace("fillfactor = 70", "fillfactor = 80"), "new.yaml")))
    p = plan(old, new)
    assert [(op.action, str(op.obj.id)) for op in p.ops] == [("drop", "raw fill"), ("create", "raw fill")]
    drop, create = p.ops
    assert isinstance(drop.obj, RawIR) and drop.obj.up.endswith("70)")
    assert isinstance(create.obj, RawIR) and create.obj.up.endswith("80)")
    back = p.inverse().ops
    assert [(op.action, op.obj.up[-3:]) for op in back] == [("drop", "80)"), ("create", "70)")]  # type: ignore[attr-defined]
