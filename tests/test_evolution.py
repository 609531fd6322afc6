"""Golden evolution cases: tests/cases/evolution/<case>/{old.yaml, new.yaml, expected/…}.

Each case is run the way a user runs it: ``generate`` from ``old.yaml``, then ``migrate`` to
``new.yaml``; the new migration and its rollback must equal ``expected/``. ``--regen`` rewrites
them (review the diff), ``SCHEMAGEN_CASE=name`` runs one case. An optional ``case.yaml`` says
``allow_destructive: true`` for a case that loses data. The rollback of old→new must render the
same statements as the migration new→old (declared renames are declared both ways in the case;
independent ops may come in another order).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from generator.history import apply_backfills, apply_renames, declared_renames, load_history
from generator.ir import build
from generator.ir.model import Model
from generator.migrate import Migrated, migrate
from generator.output import write_out
from generator.pipeline import Result, generate
from generator.plan import Plan, plan
from generator.render.env import environment
from generator.render.sql import render_file
from generator.spec import load_spec

EVOLUTION = Path(__file__).parent / "cases" / "evolution"


def evolution_dirs() -> list[Path]:
    wanted = os.environ.get("SCHEMAGEN_CASE")
    return sorted(p for p in EVOLUTION.iterdir()
                  if (p / "new.yaml").is_file() and (not wanted or p.name == wanted))


def options(case: Path) -> dict:
    path = case / "case.yaml"
    return yaml.safe_load(path.read_text()) if path.is_file() else {}


def run_case(case: Path, tmp: Path) -> tuple[Result, Migrated]:
    """Generate ``old.yaml`` into ``tmp/out``, then migrate it to ``new.yaml``."""
    out, spec = tmp / "out", tmp / "schema.yaml"
    shutil.copy(case / "old.yaml", spec)
    old = generate(spec, display="schema.yaml")
    write_out(out, old.files)
    shutil.copy(case / "new.yaml", spec)
    done = migrate(spec, out, case.name.replace("-", "_"), display="schema.yaml",
                   allow_destructive=bool(options(case).get("allow_destructive")))
    return old, done


def migration_texts(done: Migrated) -> dict[str, str]:
    files = {f.name: f.text for f in done.result.files}
    return {name: files[name] for name in done.files}


@pytest.mark.parametrize("case", evolution_dirs(), ids=lambda p: p.name)
def test_evolution_golden(case: Path, tmp_path: Path, regen: bool) -> None:
    _old, done = run_case(case, tmp_path)
    texts = migration_texts(done)
    expected = case / "expected"
    if regen:
        shutil.rmtree(expected, ignore_errors=True)
        expected.mkdir()
        for name, text in texts.items():
            (expected / name).write_text(text, encoding="utf-8", newline="\n")
    have = sorted(p.name for p in expected.iterdir())
    assert have == sorted(texts), "expected/ holds other files; run with --regen"
    for name, text in texts.items():
        assert text == (expected / name).read_text(encoding="utf-8"), f"{case.name}/{name} differs"
    # the new history is what generate/check read back: regenerating changes nothing
    again = generate(tmp_path / "schema.yaml", display="schema.yaml", history=load_history(tmp_path / "out"))
    assert {f.name: f.text for f in again.files} == {f.name: f.text for f in done.result.files}


def _raw_model(spec: Path) -> Model:
    return build(load_spec(spec, display="schema.yaml"))


def _statements(p: Plan) -> list[str]:
    """The rendered statements of each op of ``p``, sorted: independent ops (two columns altered, two
    policies changed) may run in either order, and a plan lists them in creation order both ways."""
    return sorted(seg.sql for seg in render_file(environment(None), "x.sql", p, spec_name="schema.yaml").segments)


@pytest.mark.parametrize("case", evolution_dirs(), ids=lambda p: p.name)
def test_rollback_renders_as_the_reverse_migration(case: Path, tmp_path: Path) -> None:
    _old, done = run_case(case, tmp_path)
    history = load_history(tmp_path / "out")
    a, b = history[-2].state, history[-1].state
    forward = plan(a, apply_backfills(apply_renames(b, history[-1].renames), history[-1].backfills), online=True)
    backward = plan(b, apply_renames(a, declared_renames(b, _raw_model(case / "old.yaml"))), online=True)
    assert forward == done.plan
    if options(case).get("reverse_same_statements", True) == "replaces":
        # the rollback drops and re-creates what the reverse plan alters in place: an object whose
        # old version names a removed one is replaced, not altered (its rollback would run first)
        assert len(_statements(forward.inverse())) > len(_statements(backward))
    elif options(case).get("reverse_same_statements", True):
        assert _statements(forward.inverse()) == _statements(backward)
    else:
        assert len(_statements(forward.inverse())) == len(_statements(backward))
    assert forward.inverse().transactional == backward.transactional
