"""History states read lazily (generator/history.py, ``lazy_state``).

A history text an earlier run proved canonical (render cache key: its hash and the code) is kept
as its stored form and decoded into ir objects only when first used: comparing the spec with the
last migration reads the stored form, so a spec with unrecorded changes is refused without
decoding any state. Texts not proven canonical are decoded at once (a corrupt file is reported
where it is read). Output is byte-identical either way (tests/test_cache.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import history
from generator.cache import Cache
from generator.cli import app
from generator.history import HISTORY_DIR, CorruptHistory, UnrecordedChanges, load_history
from generator.pipeline import generate

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def warm(tmp_path: Path, case: str = "column_alter") -> tuple[Path, Path]:
    """An evolution case migrated once: two history files, proven canonical by the cache."""
    src = ROOT / "tests" / "cases" / "evolution" / case
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(src / "old.yaml", spec)
    for args in (["generate"], ["generate"]):
        assert runner.invoke(app, [*args, "--spec", str(spec), "--out", str(out)]).exit_code == 0
    shutil.copyfile(src / "new.yaml", spec)
    done = runner.invoke(app, ["migrate", "--spec", str(spec), "--out", str(out), "--name", "edit",
                               "--allow-destructive"])
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    return spec, out


def decoded(state: history.Model) -> bool:
    return not isinstance(state.objects, history._LazyObjects)


def test_canonical_states_are_decoded_only_when_used(tmp_path: Path) -> None:
    spec, out = warm(tmp_path)
    entries = load_history(out, Cache.for_out(out))
    assert len(entries) == 2 and not any(decoded(e.state) for e in entries)
    eager = load_history(out)  # no cache: nothing is proven, everything decoded at once
    assert all(decoded(e.state) for e in eager)
    for lazy, full in zip(entries, eager, strict=True):
        assert lazy.state.order == full.state.order
        assert dict(lazy.state.objects) == dict(full.state.objects)
        assert dict(lazy.state.deps) == dict(full.state.deps)
        assert decoded(lazy.state), "the model holds the plain mappings after the first use"
        assert history.entry_text(lazy) == history.entry_text(full)


def test_unrecorded_changes_are_refused_without_decoding_a_state(tmp_path: Path) -> None:
    spec, out = warm(tmp_path)
    spec.write_text(spec.read_text().replace("tables:", "tables:\n      - name: extra\n        columns:\n"
                                             "          - {name: id, type: uuid, primary_key: true}", 1))
    cache = Cache.for_out(out)
    entries = load_history(out, cache)
    with pytest.raises(UnrecordedChanges, match="extra"):
        generate(spec, history=entries, cache=cache)
    assert not any(decoded(e.state) for e in entries), "the stored forms name the changes"


def test_a_corrupt_history_text_is_reported_where_it_is_read(tmp_path: Path) -> None:
    """A text not proven canonical (edited) is decoded at once: a located error, as before."""
    spec, out = warm(tmp_path)
    first = sorted((out / HISTORY_DIR).iterdir())[0]
    text = first.read_text()
    assert '"type": "TableIR"' in text
    first.write_text(text.replace('"type": "TableIR"', '"type": "NoSuchIR"', 1))
    with pytest.raises(CorruptHistory, match=first.name):
        load_history(out, Cache.for_out(out))
    done = runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)])
    assert done.exit_code == 2 and "not a schemagen history file" in done.output


def evolution_cases() -> list[Path]:
    folder = ROOT / "tests" / "cases" / "evolution"
    return sorted(p for p in folder.iterdir() if (p / "new.yaml").is_file())


@pytest.mark.parametrize("case", evolution_cases(), ids=lambda p: p.name)
def test_changes_are_named_from_the_stored_forms_as_from_the_states(case: Path) -> None:
    """The message of UnrecordedChanges lists what comparing decoded states lists (each way round)."""
    from generator.ir import build
    from generator.lint import RULES
    from generator.spec import load_spec

    old, new = (build(load_spec(case / f"{n}.yaml"), lint_rules=RULES) for n in ("old", "new"))
    for a, b in ((old, new), (new, old)):
        expected = history.state_changes(history.normalize(a), history.normalize(b), limit=1000)
        got = history._stored_changes(history.state_to_list(a), history.state_to_list(b), limit=1000)
        assert got == expected


def test_the_history_file_migrate_writes_is_read_lazily_next(tmp_path: Path) -> None:
    """``migrate`` records its new file as canonical: the next run (a ``check`` by the full path,
    which never writes the cache) decodes no state to compare the spec."""
    src = ROOT / "tests" / "cases" / "evolution" / "column_alter"
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(src / "old.yaml", spec)
    for _ in range(2):
        assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    shutil.copyfile(src / "new.yaml", spec)
    done = runner.invoke(app, ["migrate", "--spec", str(spec), "--out", str(out), "--name", "edit",
                               "--allow-destructive"])
    assert done.exit_code == 0, done.output
    entries = load_history(out, Cache.for_out(out))
    assert len(entries) == 2 and not any(decoded(e.state) for e in entries)
    assert runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)]).exit_code == 0


def golden_cases() -> list[Path]:
    folder = ROOT / "tests" / "cases"
    return sorted(p for p in folder.iterdir() if (p / "schema.yaml").is_file())


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_the_first_history_is_read_lazily_next(case: Path, tmp_path: Path) -> None:
    """The first ``generate`` (no history yet) records the history files it writes as canonical
    without decoding them: the next run (a ``check`` after an edit, which never writes the cache;
    ``migrate``) reads them lazily. That is only right if each text reads back to itself: checked
    here by decoding it, on every golden case."""
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(case / "schema.yaml", spec)
    assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    entries = load_history(out, Cache.for_out(out))
    assert entries and not any(decoded(e.state) for e in entries), "the first history was not recorded"
    for path in sorted((out / HISTORY_DIR).iterdir()):
        text = path.read_text(encoding="utf-8")
        assert history.entry_text(history.entry_from_text(text, str(path))) == text, path.name
    for lazy, full in zip(entries, load_history(out), strict=True):
        assert dict(lazy.state.objects) == dict(full.state.objects)


def _edited_first_history(tmp_path: Path, case: str) -> tuple[history.Entry, history.Model]:
    """The first history of an evolution case's old spec (read lazily) and its new spec's state."""
    from generator.ir import build
    from generator.lint import RULES
    from generator.spec import load_spec

    src = ROOT / "tests" / "cases" / "evolution" / case
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(src / "old.yaml", spec)
    assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    (last,) = load_history(out, Cache.for_out(out))[-1:]
    assert not decoded(last.state)
    return last, history.normalize(build(load_spec(src / "new.yaml"), lint_rules=RULES))


def _evolution_cases() -> list[str]:
    return sorted(p.name for p in (ROOT / "tests" / "cases" / "evolution").iterdir() if (p / "new.yaml").is_file())


@pytest.mark.parametrize("case", _evolution_cases())
def test_decoding_next_to_the_spec_state_shares_what_is_stored_alike(case: str, tmp_path: Path) -> None:
    """``migrate`` decodes the last (lazy) history state taking every object stored exactly as in
    the spec's state from it (``decode_sharing``): the objects and dependencies are those a full
    decode makes, and only the objects the edit changed are decoded."""
    last, state = _edited_first_history(tmp_path, case)
    items = list(last.state._index["history"])
    full = history.state_from_list(items)
    history.decode_sharing(last.state, state)
    assert decoded(last.state)
    assert dict(last.state.objects) == dict(full.objects) and dict(last.state.deps) == dict(full.deps)
    assert last.state.order == full.order
    same = {i: d for i, d in zip(state.order, history.state_to_list(state), strict=True)}
    for oid, item in zip(last.state.order, items, strict=True):
        assert (last.state.objects[oid] is state.objects.get(oid)) is (same.get(oid) == item), oid


def test_decoding_next_to_the_spec_state_tells_true_from_one(tmp_path: Path) -> None:
    """A stored ``true`` is not the spec's ``1`` (equal in Python, another text): that object is
    decoded from its own stored form, every other one is shared."""
    from generator.ir import build
    from generator.lint import RULES
    from generator.spec import load_spec

    case = ROOT / "tests" / "cases" / "sequence_options"
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(case / "schema.yaml", spec)
    assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    (last,) = load_history(out, Cache.for_out(out))
    state = history.normalize(build(load_spec(spec), lint_rules=RULES))
    items = last.state._index["history"]
    at = next(i for i, item in enumerate(items) if item["fields"].get("increment") == 1)
    items[at]["fields"]["increment"] = True
    history.decode_sharing(last.state, state)
    oid = last.state.order[at]
    assert last.state.objects[oid].increment is True
    assert [o for o in last.state.order if last.state.objects[o] is not state.objects[o]] == [oid]


def test_migrate_plans_its_new_migration_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``migrate`` plans the new migration once (``plan_next``) and hands that plan to the render
    (``history_plans``' ``planned``): two plans in all, 001 from the history and the new one, and
    the files are those the history alone gives (``check`` passes)."""
    src = ROOT / "tests" / "cases" / "evolution" / "columns_add"
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(src / "old.yaml", spec)
    assert runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)]).exit_code == 0
    shutil.copyfile(src / "new.yaml", spec)
    calls: list[tuple[int, int]] = []
    plan = history.plan

    def counted(before: history.Model, after: history.Model, **kwargs: object) -> history.Plan:
        calls.append((len(before.order), len(after.order)))
        return plan(before, after, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(history, "plan", counted)
        done = runner.invoke(app, ["migrate", "--spec", str(spec), "--out", str(out), "--name", "edit"])
    assert done.exit_code == 0, done.output
    assert len(calls) == 2 and calls[1][0] == 0, calls  # the new migration's, then 001's from nothing
    assert runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)]).exit_code == 0
