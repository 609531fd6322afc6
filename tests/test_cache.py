"""The render/validation cache under out/.schemagen/cache (generator/cache.py).

What must hold: output is byte-identical with and without the cache (cold, warm, after an edit
and ``migrate``, with corrupted or foreign entries); ``check`` ignores the cache folder; the
cache is hit when nothing changed; a changed template is never served from the cache.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from generator.cache import CACHE_DIR, DISABLE_ENV, Cache, templates_fingerprint, tree_digest
from generator.cli import app
from generator.history import load_history
from generator.output import MANIFEST, read_manifest
from generator.pipeline import generate
from generator.render.env import environment
from generator.render.result import Result

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EVOLUTION = CASES / "evolution"
runner = CliRunner()


def golden_cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "schema.yaml").is_file())


def evolution_cases() -> list[Path]:
    return sorted(p for p in EVOLUTION.iterdir() if (p / "new.yaml").is_file())


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def generated(out: Path) -> dict[str, bytes]:
    """The files schemagen generated in ``out`` (the manifest's, and the manifest), as bytes."""
    return {name: (out / name).read_bytes() for name in [*read_manifest(out), MANIFEST]}


def entries(out: Path) -> list[Path]:
    """The cache's entries (named by their key: not its .gitignore, nor generator/stamp.py's stamp)."""
    return sorted(p for p in (out / CACHE_DIR).iterdir() if len(p.name) == 64)


def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_warm_output_is_the_cold_output(case: Path, tmp_path: Path) -> None:
    """generate (no history: the files rendered from the spec are cached under the keys of the
    history it writes), generate (history: every file a hit), generate (warm): the same bytes each
    time, and as a fresh folder gets."""
    spec = tmp_path / "schema.yaml"
    shutil.copyfile(case / "schema.yaml", spec)
    out = tmp_path / "out"
    cli("generate", "--spec", str(spec), "--out", str(out))
    cold = generated(out)
    first = {p.name for p in entries(out)}
    cli("generate", "--spec", str(spec), "--out", str(out))
    assert generated(out) == cold
    assert {p.name for p in entries(out)} == first, "the first generate cached every file the second reads"
    cache = Cache.for_out(out)
    warm = generate(spec, history=load_history(out, cache), cache=cache)
    assert cache.misses == 0
    assert cache.hits >= 7  # history text, each migration, its rollback, rollback_all, 3 validations
    assert {f.name: f.text.encode() for f in warm.files} == {k: v for k, v in cold.items() if k != MANIFEST}
    cli("generate", "--spec", str(spec), "--out", str(out))
    assert generated(out) == cold
    cli("check", "--spec", str(spec), "--out", str(out))


@pytest.mark.parametrize("case", evolution_cases(), ids=lambda p: p.name)
def test_edit_and_migrate_with_cache_is_the_cold_result(case: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's loop: a warm cache, the spec edited, ``migrate``, ``generate``: the same bytes as
    the same steps in a fresh folder without any cache."""
    destructive = ["--allow-destructive"] if (case / "case.yaml").is_file() and \
        yaml.safe_load((case / "case.yaml").read_text()).get("allow_destructive") else []
    name = case.name.replace("-", "_")

    def run(folder: Path) -> Path:
        spec, out = folder / "schema.yaml", folder / "out"
        folder.mkdir()
        shutil.copyfile(case / "old.yaml", spec)
        cli("generate", "--spec", str(spec), "--out", str(out))
        cli("generate", "--spec", str(spec), "--out", str(out))
        shutil.copyfile(case / "new.yaml", spec)
        cli("migrate", "--spec", str(spec), "--out", str(out), "--name", name, *destructive)
        cli("generate", "--spec", str(spec), "--out", str(out))
        cli("check", "--spec", str(spec), "--out", str(out))
        return out

    warm = run(tmp_path / "warm")
    assert entries(warm)
    with monkeypatch.context() as m:
        m.setenv(DISABLE_ENV, "1")
        cold = run(tmp_path / "cold")
    assert not (cold / CACHE_DIR).exists()
    assert generated(warm) == generated(cold)


def _history_run(spec: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Result, Cache, list[str]]:
    """``generate`` from the history of ``out`` with its cache (what ``check`` by the full path
    runs), and the names of the files it rendered (not restored)."""
    import generator.render.sql as sql

    rendered: list[str] = []
    render_file = sql.render_file

    def counted(env: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        rendered.append(name)
        return render_file(env, name, *args, **kwargs)

    cache = Cache.for_out(out)
    with monkeypatch.context() as m:
        m.setattr(sql, "render_file", counted)
        result = generate(spec, history=load_history(out, cache), cache=cache)
    return result, cache, rendered


def shape(result: Result) -> tuple[Any, ...]:
    """Every file's text and each SQL file's segments (their ops too: verify and docs read them)."""
    return ([(f.name, f.text) for f in result.files], [(f.name, f.text, f.segments) for f in result.sql_files])


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_the_first_generate_caches_what_the_history_renders(case: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """After the first ``generate`` (plans from the spec), a run from the history it wrote renders
    no migration file: every one, its rollback and ``rollback_all.sql`` are restored from the
    entries it stored under the history's keys, with the same text and segments (the same ops,
    titles, lines and locks) as when rendered from the history without the cache."""
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(case / "schema.yaml", spec)
    cli("generate", "--spec", str(spec), "--out", str(out))
    warm, cache, rendered = _history_run(spec, out, monkeypatch)
    assert rendered == [], "files rendered again although the first generate cached them"
    assert cache.misses == 0
    with monkeypatch.context() as m:
        m.setenv(DISABLE_ENV, "1")
        cold, _, rendered = _history_run(spec, out, monkeypatch)
    assert len(rendered) == len(cold.sql_files)
    assert shape(warm) == shape(cold)


def test_the_first_migrate_restores_the_released_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edit loop of issue 14: ``generate`` into an empty folder, one column added, ``migrate``:
    migration 001 and its rollback are restored from the cache, only the new migration, its
    rollback and ``rollback_all.sql`` are rendered, and ``out/`` is what a run without cache writes."""
    import generator.render.sql as sql

    case = EVOLUTION / "columns_add"

    def run(folder: Path) -> tuple[Path, list[str]]:
        spec, out = folder / "schema.yaml", folder / "out"
        folder.mkdir()
        shutil.copyfile(case / "old.yaml", spec)
        cli("generate", "--spec", str(spec), "--out", str(out))
        shutil.copyfile(case / "new.yaml", spec)
        rendered: list[str] = []
        render_file = sql.render_file

        def counted(env: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            rendered.append(name)
            return render_file(env, name, *args, **kwargs)

        with monkeypatch.context() as m:
            m.setattr(sql, "render_file", counted)
            cli("migrate", "--spec", str(spec), "--out", str(out), "--name", "edit")
        cli("check", "--spec", str(spec), "--out", str(out))
        return out, rendered

    warm, rendered = run(tmp_path / "warm")
    new = [n for n in read_manifest(warm) if n.startswith("002_") or n.startswith("rollback_002_")]
    assert len(new) == 2
    assert sorted(rendered) == sorted([*new, "rollback_all.sql"])
    with monkeypatch.context() as m:
        m.setenv(DISABLE_ENV, "1")
        cold, rendered = run(tmp_path / "cold")
    assert "rollback_001_init.sql" in rendered or any(n.startswith("rollback_001") for n in rendered)
    assert generated(warm) == generated(cold)


def _warm_folder(tmp_path: Path, case: str = "rls_policies") -> tuple[Path, Path]:
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    tmp_path.mkdir(exist_ok=True)
    shutil.copyfile(CASES / case / "schema.yaml", spec)
    cli("generate", "--spec", str(spec), "--out", str(out))
    cli("generate", "--spec", str(spec), "--out", str(out))
    return spec, out


def test_corrupted_and_foreign_entries_are_ignored(tmp_path: Path) -> None:
    """A flipped byte, a truncated entry, an entry under another key's name: each is a miss, the
    output is the same bytes, and the next generate replaces the bad entries."""
    spec, out = _warm_folder(tmp_path)
    good = generated(out)
    files = entries(out)
    assert len(files) >= 4
    by_size = sorted(files, key=lambda p: p.stat().st_size)
    big, small, victim, donor = by_size[-1], by_size[0], by_size[1], by_size[-2]
    data = bytearray(big.read_bytes())
    data[len(data) // 2] ^= 0x20  # flip one byte of the rendered text
    big.write_bytes(bytes(data))
    small.write_bytes(small.read_bytes()[:10])  # truncated
    victim.write_bytes(donor.read_bytes())  # a valid entry under another key's name
    cache = Cache.for_out(out)
    result = generate(spec, history=load_history(out, cache), cache=cache)
    assert cache.misses >= 3
    assert {f.name: f.text.encode() for f in result.files} == {k: v for k, v in good.items() if k != MANIFEST}
    cli("generate", "--spec", str(spec), "--out", str(out))
    assert generated(out) == good
    cache = Cache.for_out(out)
    generate(spec, history=load_history(out, cache), cache=cache)
    assert cache.misses == 0, "the bad entries were rewritten"


def test_check_ignores_the_cache_and_git_ignores_it(tmp_path: Path) -> None:
    spec, out = _warm_folder(tmp_path)
    assert (out / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not [n for n in read_manifest(out) if n.startswith(CACHE_DIR)]
    (out / CACHE_DIR / ("0" * 64)).write_text("an unused entry")
    (out / CACHE_DIR / "NOTES").write_text("not an entry")
    before = sorted(p.name for p in (out / CACHE_DIR).iterdir())
    cli("check", "--spec", str(spec), "--out", str(out))
    assert sorted(p.name for p in (out / CACHE_DIR).iterdir()) == before, "check writes nothing"
    cli("generate", "--spec", str(spec), "--out", str(out))
    assert not (out / CACHE_DIR / ("0" * 64)).exists(), "generate keeps only the entries it used"
    assert (out / CACHE_DIR / "NOTES").exists(), "and removes nothing but entries"


def test_a_cache_folder_that_is_a_symlink_is_never_written(tmp_path: Path) -> None:
    """A committed ``out/.schemagen/cache`` symlink to a folder elsewhere: nothing is written or
    removed there (entries are pruned by name, and only inside out/)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ("1" * 64)).write_text("someone's file")
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(CASES / "rls_policies" / "schema.yaml", spec)
    cli("generate", "--spec", str(spec), "--out", str(out))
    (out / CACHE_DIR).parent.mkdir(exist_ok=True)
    shutil.rmtree(out / CACHE_DIR, ignore_errors=True)
    (out / CACHE_DIR).symlink_to(elsewhere)
    first = generated(out)
    cli("generate", "--spec", str(spec), "--out", str(out))
    assert sorted(p.name for p in elsewhere.iterdir()) == ["1" * 64]
    assert generated(out) == first


def test_changed_template_is_not_served_from_the_cache(tmp_path: Path) -> None:
    """The key holds every template's bytes: an edited --templates file renders anew."""
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(CASES / "rls_policies" / "schema.yaml", spec)
    templates = tmp_path / "templates"
    (templates / "sql").mkdir(parents=True)
    original = (ROOT / "templates" / "sql" / "migration.sql.j2").read_text()
    (templates / "sql" / "migration.sql.j2").write_text(original)
    for _ in range(2):
        cli("generate", "--spec", str(spec), "--out", str(out), "--templates", str(templates))
    (templates / "sql" / "migration.sql.j2").write_text("-- edited template\n" + original)
    environment.cache_clear()  # a new process, as a user runs it (both are read once per process)
    templates_fingerprint.cache_clear()
    tree_digest.cache_clear()
    cli("generate", "--spec", str(spec), "--out", str(out), "--templates", str(templates))
    sql = [n for n in read_manifest(out) if n.endswith(".sql")]
    assert sql and all((out / n).read_text().startswith("-- edited template\n") for n in sql)
    cli("check", "--spec", str(spec), "--out", str(out), "--templates", str(templates))


def test_disabled_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_cache(monkeypatch)
    _spec, out = _warm_folder(tmp_path)
    assert not (out / CACHE_DIR).exists()
    assert os.environ[DISABLE_ENV] == "1"


@pytest.mark.parametrize("edit", ["reindent", "retype"])
def test_edited_history_reads_as_without_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """A history file the cache knew as canonical, then edited by hand: re-indented (same state,
    other bytes) or with another column type (another state). ``generate`` gives what it gives
    without any cache: the text's hash is the key, so the old proof does not apply."""
    spec, out = _warm_folder(tmp_path / "w", case="columns")
    render_keys = {p.name for p in entries(out) if b'"text":' in p.read_bytes()}
    assert len(render_keys) == 3
    history = next((out / ".schemagen" / "history").iterdir())
    text = history.read_text()
    if edit == "reindent":
        history.write_text(json.dumps(json.loads(text), indent=4, sort_keys=True) + "\n")
    else:
        assert '"type": "text"' in text
        history.write_text(text.replace('"type": "text"', '"type": "varchar"', 1))
    if edit == "reindent":
        cache = Cache.for_out(out)
        generate(spec, history=load_history(out, cache), cache=cache)
        rendered = [v for v in cache.pending.values() if b'"text":' in v]
        # a text that is not what schemagen writes may hold what its hash does not fix: no render cache
        assert not cache.used & render_keys, "files planned from a non-canonical history were restored"
        assert rendered == [], "files planned from a non-canonical history were cached"
    copy = tmp_path / "c"
    shutil.copytree(tmp_path / "w", copy)
    shutil.rmtree(copy / "out" / CACHE_DIR)
    with_cache = runner.invoke(app, ["generate", "--spec", str(spec), "--out", str(out)])
    monkeypatch.setenv(DISABLE_ENV, "1")
    without = runner.invoke(app, ["generate", "--spec", str(copy / "schema.yaml"), "--out", str(copy / "out")])
    assert with_cache.exit_code == without.exit_code
    if edit == "reindent":
        assert with_cache.exit_code == 0, with_cache.output
    assert generated(out) == generated(copy / "out")
