"""The compiled-template cache (generator/render/codecache.py): advisory, keyed by content.

Each test points the cache at its own folder (``XDG_CACHE_HOME``) and builds fresh environments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import TemplateError
from generator.render.codecache import cache_folder
from generator.render.env import environment


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SCHEMAGEN_NO_CACHE", raising=False)
    environment.cache_clear()
    yield cache_folder()
    environment.cache_clear()


def _fresh(user_dir: Path) -> str:
    """Render ``t.sql.j2`` of ``user_dir`` with a new environment (as a new process would)."""
    environment.cache_clear()
    return environment(str(user_dir)).get_template("t.sql.j2").render(x="a b")


def test_second_load_uses_the_stored_code_and_renders_the_same(cache_home: Path, tmp_path: Path) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "t.sql.j2").write_text("SELECT {{ x | literal }};\n")
    first = _fresh(user)
    stored = sorted(cache_home.glob("*.code"))
    assert stored, "the compiled template was not stored"
    mtimes = [p.stat().st_mtime_ns for p in stored]
    assert _fresh(user) == first == "SELECT 'a b';\n"
    assert [p.stat().st_mtime_ns for p in stored] == mtimes  # read, not written again


def test_a_changed_template_is_compiled_again(cache_home: Path, tmp_path: Path) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "t.sql.j2").write_text("SELECT {{ x | literal }};\n")
    assert _fresh(user) == "SELECT 'a b';\n"
    (user / "t.sql.j2").write_text("SELECT {{ x | ident }};\n")
    assert _fresh(user) == 'SELECT "a b";\n'


@pytest.mark.parametrize("damage", [b"", b"garbage", b"schemagen-template-code-1\n", None])
def test_a_damaged_or_foreign_file_is_ignored(cache_home: Path, tmp_path: Path, damage: bytes | None) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "t.sql.j2").write_text("SELECT {{ x | literal }};\n")
    _fresh(user)
    for path in cache_home.glob("*.code"):
        data = path.read_bytes()
        # None: the right header followed by a truncated code object
        path.write_bytes(data[: data.index(b"\n", len(b"schemagen-template-code-1\n")) + 5] if damage is None
                         else damage)
    assert _fresh(user) == "SELECT 'a b';\n"


def test_errors_still_name_the_template_line_with_stored_code(cache_home: Path, tmp_path: Path) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "t.sql.j2").write_text("SELECT 1;\n{{ missing }}\n")
    for _ in range(2):  # compiled, then from the cache
        environment.cache_clear()
        with pytest.raises(TemplateError, match=r"t\.sql\.j2:2: 'missing' is undefined"):
            environment(str(user)).get_template("t.sql.j2").render()


def test_off_with_schemagen_no_cache_and_harmless_when_unwritable(cache_home: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "t.sql.j2").write_text("SELECT {{ x | literal }};\n")
    monkeypatch.setenv("SCHEMAGEN_NO_CACHE", "1")
    assert _fresh(user) == "SELECT 'a b';\n"
    assert not cache_home.exists()
    monkeypatch.delenv("SCHEMAGEN_NO_CACHE")
    cache_home.parent.parent.mkdir(parents=True)
    (cache_home.parent.parent / "schemagen").write_text("a file where the folder should be")
    assert _fresh(user) == "SELECT 'a b';\n"
