"""Ordering, identity and inverse plans, compared as structured ops (not text)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from generator.ir import EMPTY, ObjectId, build
from generator.ir.deps import topological_order
from generator.plan import plan
from generator.spec import load_spec

SPEC = """\
migrations:
  - number: 1
    name: init
    tables:
      - name: b_children
        columns:
          - {name: id, type: int, primary_key: true}
          - {name: parent_id, type: int, references: {table: a_parents}}
        indexes:
          - columns: [parent_id]
        policies:
          - {name: read, command: select, roles: [authenticated], using: "parent_id > 0"}
      - name: a_parents
        columns:
          - {name: id, type: int, primary_key: true}
    views:
      - name: v
        query: select c.id from public.b_children c join public.a_parents p on p.id = c.parent_id
"""


def model_of(tmp_path: Path, text: str = SPEC):
    spec = tmp_path / "schema.yaml"
    spec.write_text(textwrap.dedent(text), encoding="utf-8")
    return build(load_spec(spec))


def test_creation_order_is_topological_and_ties_break_by_kind_then_name(tmp_path: Path) -> None:
    model = model_of(tmp_path)
    assert [str(i) for i in model.order] == [
        "table public.a_parents",
        "table public.b_children",
        "constraint public.b_children.b_children_parent_id_fkey",
        "view public.v",
        "index public.b_children_parent_id_idx",
        "policy public.b_children.read",
    ]


def test_order_does_not_depend_on_yaml_order(tmp_path: Path) -> None:
    lines = SPEC.splitlines(keepends=True)
    children, parents = lines[4:12], lines[12:15]
    swapped = "".join(lines[:4] + parents + children + lines[15:])
    assert swapped != SPEC and sorted(swapped.splitlines()) == sorted(SPEC.splitlines())
    assert model_of(tmp_path, swapped).order == model_of(tmp_path).order


def test_topological_order_deterministic_for_independent_nodes() -> None:
    ids = [ObjectId("table", "public", n) for n in ("c", "a", "b")]
    deps = {i: frozenset() for i in ids}
    assert [i.name for i in topological_order(deps)] == ["a", "b", "c"]
    reversed_deps = {i: frozenset() for i in reversed(ids)}
    assert topological_order(deps) == topological_order(reversed_deps)


def test_function_identity_includes_argument_types() -> None:
    a = ObjectId("function", "public", "f", args=("integer",))
    b = ObjectId("function", "public", "f", args=("text",))
    assert a != b and len({a, b}) == 2
    assert str(a) == "function public.f(integer)"


def test_rollback_is_the_inverse_in_reverse_order(tmp_path: Path) -> None:
    model = model_of(tmp_path)
    up = plan(EMPTY, model)
    down = up.inverse()
    assert [op.action for op in up.ops] == ["create"] * 6
    assert [(op.action, op.obj.id) for op in down.ops] == [("drop", op.obj.id) for op in reversed(up.ops)]
    assert down.inverse() == up
    assert plan(model, EMPTY) == down


def test_positions_do_not_change_equality(tmp_path: Path) -> None:
    moved = SPEC.replace("    name: init\n", "    name: init\n    description: moved everything down a line\n")
    assert model_of(tmp_path).objects == model_of(tmp_path, moved).objects


def test_changed_column_type_is_altered_and_views_on_it_replaced(tmp_path: Path) -> None:
    old = model_of(tmp_path)
    new = model_of(tmp_path, SPEC.replace("{name: id, type: int, primary_key: true}\n    views",
                                          "{name: id, type: bigint, primary_key: true}\n    views"))
    changed = plan(old, new)
    touched = {(op.action, str(op.obj.id)) for op in changed.ops}
    assert ("alter_column", "table public.a_parents") in touched
    assert ("drop", "table public.a_parents") not in touched  # a table is never dropped for a change
    assert ("drop", "view public.v") in touched and ("create", "view public.v") in touched
    assert ("drop", "index public.b_children_parent_id_idx") not in touched
    assert changed.inverse().inverse() == changed


FROM_SPEC = """\
migrations:
  - number: 1
    name: init
    functions:
      - {name: f, returns: trigger, language: plpgsql, body: "begin return null; end;"}
    tables:
      - name: batches
        columns:
          - {name: id, type: integer, primary_key: true}
      - name: entries
        columns:
          - {name: id, type: integer, primary_key: true}
        triggers:
          - {name: balance, constraint: true, timing: after, events: [insert], function: f, from: batches}
"""


def test_constraint_trigger_from_is_a_dependency_and_follows_a_rename(tmp_path: Path) -> None:
    """The table `from` names is created before the trigger; renaming it renames the table only (the
    trigger, which Postgres keeps pointing at the same table, is not re-created)."""
    old = model_of(tmp_path, FROM_SPEC)
    trigger = ObjectId("trigger", "public", "balance", "entries")
    assert ObjectId("table", "public", "batches") in old.deps[trigger]
    new = model_of(tmp_path, FROM_SPEC.replace("      - name: batches\n",
                                               "      - name: groups\n        renamed_from: batches\n")
                   .replace(", from: batches}", ", from: groups}"))
    assert [str(op) for op in plan(old, new).ops] == ["rename table public.groups",
                                                      "rename_constraint table public.groups groups_pkey"]
    changed = model_of(tmp_path, FROM_SPEC.replace(", from: batches", ""))
    assert [str(op) for op in plan(old, changed).ops] == ["drop trigger public.entries.balance",
                                                          "create trigger public.entries.balance"]
