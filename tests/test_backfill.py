"""``backfill:``: planned only for a column added to an existing table, recorded with that
migration's history entry (not the state), refused when it is not one expression."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.history import load_history
from generator.ir import build
from generator.migrate import NothingToMigrate, migrate
from generator.plan.ops import AddColumn, BackfillColumn
from generator.spec import load_spec
from tests.test_evolution import EVOLUTION, run_case

CASE = EVOLUTION / "column_backfill"


def test_backfill_is_recorded_with_its_migration_and_is_not_destructive(tmp_path: Path) -> None:
    _old, done = run_case(CASE, tmp_path)
    assert done.plan.destructive() == []
    adds = {op.column.name: type(op).__name__ for op in done.plan.ops if isinstance(op, (AddColumn, BackfillColumn))}
    assert adds == {"team": "BackfillColumn", "excerpt": "BackfillColumn"}
    # the new table's backfill is ignored: created with the table, nothing to fill
    assert not any("unused" in f.text for f in done.result.files if f.name.startswith("002_"))
    entry = load_history(tmp_path / "out")[-1]
    assert {(oid.name, col) for oid, col, _ in entry.backfills} == {("cards", "team"), ("cards", "excerpt")}
    team = next(c for c in entry.state.objects[next(o for o, _, _ in entry.backfills)].columns if c.name == "team")
    assert team.backfill is None  # not part of the state


def test_without_backfill_the_add_is_destructive(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(CASE, case)
    new = case / "new.yaml"
    new.write_text(new.read_text().replace(
        "            backfill: (select b.team from public.boards b where b.id = cards.board_id)\n", ""))
    with pytest.raises(SpecError, match="added NOT NULL without a default"):
        (tmp_path / "run").mkdir()
        run_case(case, tmp_path / "run")


@pytest.mark.parametrize("edit", ["keep", "remove"])
def test_a_later_migration_ignores_the_backfill(tmp_path: Path, edit: str) -> None:
    run_case(CASE, tmp_path)
    spec = tmp_path / "schema.yaml"
    if edit == "remove":
        text = re.sub(r"\n +backfill: .*|, backfill: [^}]*", "", spec.read_text())
        assert "backfill" not in text.replace("# a new table: nothing to fill, the backfill is ignored", "")
        spec.write_text(text)
    with pytest.raises(NothingToMigrate):
        migrate(spec, tmp_path / "out", "again", display="schema.yaml")


@pytest.mark.parametrize(("column", "message"), [
    ("{name: x, type: text, backfill: '1); drop table t; select (1'}", "backfill must be exactly one SQL expr"),
    ("{name: x, type: text, backfill: 'lower('}", "backfill: invalid SQL"),
    ("{name: x, type: bigint, identity: always, backfill: '1'}", "would never run"),
    ("{name: x, type: text, backfill: 'lower(nme)'}", "backfill uses unknown column 'nme' of 't'"),
    ("{name: x, type: text, backfill: 'lower(t.nme)'}", "backfill uses unknown column t.nme"),
])
def test_bad_backfill_is_a_located_error(tmp_path: Path, column: str, message: str) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text("project: {name: p}\nmigrations:\n  - number: 1\n    name: t\n    tables:\n"
                    "      - name: t\n        columns:\n"
                    f"          - {{name: id, type: bigint, primary_key: true}}\n          - {column}\n")
    with pytest.raises(SpecError, match=message) as info:
        build(load_spec(spec, display="schema.yaml"))
    assert "schema.yaml:9:" in str(info.value)
