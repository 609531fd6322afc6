"""The fast path of ``generate``/``check`` when nothing changed (generator/stamp.py, generator/entry.py).

What must hold: a stamp written by a successful ``generate`` or ``migrate`` answers the next
``generate``/``check`` of the same inputs without running the pipeline and without writing; any
byte changed in the spec or in a file of ``out/`` it covers, a file added to the history folder,
another generator or templates, a corrupted, truncated or foreign stamp, a symbolic link, the
leftovers of an interrupted write, or ``$SCHEMAGEN_NO_CACHE`` fall through to the full path;
``check`` never writes; the fast path imports nothing heavy. No timing is asserted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import stamp
from generator.cache import DISABLE_ENV, tree_digest
from generator.cli import app
from generator.history import HISTORY_DIR
from generator.output import _OLD_STAGE_PREFIX as OLD_STAGE_PREFIX
from generator.output import MANIFEST, TXN_DIR, read_manifest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
runner = CliRunner()


def cli(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def tree(out: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every path below ``out`` (cache included) with its bytes (or link target) and mtime."""
    found: dict[str, tuple[bytes | str, int]] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_symlink():
            found[rel] = (os.readlink(path), 0)
        elif path.is_file():
            found[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
        else:
            found[rel] = (b"<dir>", 0)
    return found


def project(tmp_path: Path, case: str = "rls_policies") -> tuple[Path, Path]:
    """A generated project: spec and out/, generated twice (history, cache and stamp written)."""
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    tmp_path.mkdir(exist_ok=True)
    shutil.copyfile(CASES / case / "schema.yaml", spec)
    cli("generate", "--spec", str(spec), "--out", str(out))
    cli("generate", "--spec", str(spec), "--out", str(out))
    return spec, out


def hit(spec: Path, out: Path, templates: str | None = None) -> int | None:
    """What the fast path of a new process answers (the code and templates are read once per process)."""
    tree_digest.cache_clear()
    return stamp.up_to_date(spec, out, templates)


def test_names_agree_with_the_modules_that_own_them() -> None:
    """stamp.py repeats a few names so as not to import their (heavier) modules; the template
    folder is found in one place, which holds our templates."""
    assert (stamp.builtin_templates() / "sql" / "migration.sql.j2").is_file()
    assert (stamp._MANIFEST, stamp._TXN_DIR, stamp._OLD_STAGE_PREFIX, stamp._HISTORY_DIR) == (
        MANIFEST, TXN_DIR, OLD_STAGE_PREFIX, HISTORY_DIR)


def test_nothing_changed_is_answered_by_the_stamp_and_writes_nothing(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    spec, out = project(tmp_path)
    assert (out / stamp.STAMP).is_file()
    count = len(read_manifest(out))
    assert hit(spec, out) == count
    before = tree(out)
    capsys.readouterr()
    assert stamp.fast_main(["check", "--spec", str(spec), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"up to date: {out} matches {spec} ({count} files)\n"
    assert stamp.fast_main(["generate", f"--spec={spec}", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"generated {count} files in {out} (0 changed, 0 removed) in "), printed
    assert tree(out) == before, "the fast path wrote something"
    # what the full path says about the same folder
    assert f"({count} files)" in cli("check", "--spec", str(spec), "--out", str(out))


def covered(out: Path) -> list[str]:
    return [MANIFEST, *read_manifest(out)]


def test_any_byte_changed_in_a_covered_file_falls_through(tmp_path: Path) -> None:
    """Each file of the manifest, and the manifest: one byte changed is a miss (and the full
    ``check`` then fails); the same byte restored is a hit again."""
    spec, out = project(tmp_path)
    names = covered(out)
    assert len(names) >= 5 and any(n.startswith(HISTORY_DIR) for n in names)
    for name in names:
        path = out / name
        original = path.read_bytes()
        changed = bytearray(original)
        changed[len(changed) // 2] ^= 0x01
        path.write_bytes(bytes(changed))
        assert hit(spec, out) is None, name
        assert stamp.fast_main(["check", "--spec", str(spec), "--out", str(out)]) is None
        assert runner.invoke(app, ["check", "--spec", str(spec), "--out", str(out)]).exit_code != 0, name
        path.write_bytes(original)
        assert hit(spec, out) == len(names) - 1, name


def test_a_changed_spec_falls_through(tmp_path: Path) -> None:
    spec, out = project(tmp_path)
    text = spec.read_bytes()
    spec.write_bytes(text + b"\n")  # the same spec to YAML, other bytes: the full path decides
    assert hit(spec, out) is None
    spec.write_bytes(text.replace(b"body", b"text", 1))
    assert hit(spec, out) is None
    cli("check", "--spec", str(spec), "--out", str(out), code=1)
    spec.write_bytes(text)
    assert hit(spec, out) is not None


def test_the_spec_and_out_as_given_are_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another way of naming the same files is a miss (the spec's name is in the files' headers)."""
    spec, out = project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert hit(Path("schema.yaml"), Path("out")) is None
    assert hit(spec, out) is not None


def test_a_file_added_to_the_history_folder_falls_through(tmp_path: Path) -> None:
    """``generate`` reads every history file, listed or not."""
    spec, out = project(tmp_path)
    first = sorted((out / HISTORY_DIR).iterdir())[0]
    extra = out / HISTORY_DIR / "099_extra.json"
    shutil.copyfile(first, extra)
    assert hit(spec, out) is None
    extra.unlink()
    (out / HISTORY_DIR / "notes.txt").write_text("not a history file\n")
    assert hit(spec, out) is None


def test_a_removed_or_replaced_file_falls_through(tmp_path: Path) -> None:
    spec, out = project(tmp_path)
    name = next(n for n in read_manifest(out) if n.endswith(".sql"))
    data = (out / name).read_bytes()
    (out / name).unlink()
    assert hit(spec, out) is None
    elsewhere = tmp_path / "elsewhere.sql"
    elsewhere.write_bytes(data)
    (out / name).symlink_to(elsewhere)  # the same bytes through a link: generate would replace it
    assert hit(spec, out) is None
    (out / name).unlink()
    (out / name).write_bytes(data)
    assert hit(spec, out) is not None


def test_another_generator_falls_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stamp written by other code, templates or libraries is never used."""
    spec, out = project(tmp_path)
    real = stamp.generator_fingerprint(None)
    monkeypatch.setattr(stamp, "generator_fingerprint", lambda templates: "0" * 64)
    assert hit(spec, out) is None
    monkeypatch.setattr(stamp, "generator_fingerprint", lambda templates: real)
    assert hit(spec, out) is not None


def test_the_fingerprint_covers_code_templates_and_libraries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = stamp.generator_fingerprint(None)
    assert stamp.generator_fingerprint(None) == base
    monkeypatch.setattr(stamp, "_distributions", lambda: ["jinja2-0.0.1.dist-info"])
    assert stamp.generator_fingerprint(None) != base
    monkeypatch.undo()
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "generator", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(stamp, "__file__", str(package / "stamp.py"))
    monkeypatch.setattr(stamp, "builtin_templates", lambda: ROOT / "templates")
    assert stamp.generator_fingerprint(None) == base
    (package / "quoting.py").write_bytes((package / "quoting.py").read_bytes() + b"# edited\n")
    assert stamp.generator_fingerprint(None) == base, "read once per process: the code this run started with"
    tree_digest.cache_clear()  # a new process
    assert stamp.generator_fingerprint(None) != base


def test_user_templates_are_part_of_the_key(tmp_path: Path) -> None:
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(CASES / "rls_policies" / "schema.yaml", spec)
    templates = tmp_path / "templates"
    (templates / "sql").mkdir(parents=True)
    original = (ROOT / "templates" / "sql" / "migration.sql.j2").read_text()
    (templates / "sql" / "migration.sql.j2").write_text(original)
    cli("generate", "--spec", str(spec), "--out", str(out), "--templates", str(templates))
    assert hit(spec, out, str(templates)) is not None
    assert hit(spec, out) is None, "without --templates is another generator"
    (templates / "sql" / "migration.sql.j2").write_text("-- edited\n" + original)
    assert hit(spec, out, str(templates)) is None
    (templates / "sql" / "migration.sql.j2").write_text(original)
    (templates / "sql" / "new.j2").write_text("")
    assert hit(spec, out, str(templates)) is None


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "folder"])
def test_a_corrupted_stamp_falls_through_and_check_does_not_rewrite_it(tmp_path: Path, damage: str) -> None:
    spec, out = project(tmp_path)
    path = out / stamp.STAMP
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[:-5])
    elif damage == "flipped":
        body = bytearray(data)
        body[-10] = ord("0") if body[-10] != ord("0") else ord("1")
        path.write_bytes(bytes(body))
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff" * 50)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
        path.mkdir()
    assert stamp.read_stamp(out) is None
    assert hit(spec, out) is None
    before = tree(out)
    cli("check", "--spec", str(spec), "--out", str(out))
    assert tree(out) == before, "check wrote something"
    if damage != "folder":
        cli("generate", "--spec", str(spec), "--out", str(out))
        assert hit(spec, out) is not None, "generate writes a good stamp again"


def test_a_stamp_with_a_valid_own_hash_for_other_files_falls_through(tmp_path: Path) -> None:
    """A foreign stamp (another project's, well-formed) and one naming another hash are misses."""
    spec_a, out_a = project(tmp_path / "a")
    spec_b, out_b = project(tmp_path / "b", case="columns")
    shutil.copyfile(out_a / stamp.STAMP, out_b / stamp.STAMP)
    assert stamp.read_stamp(out_b) is not None
    assert hit(spec_b, out_b) is None
    (out_a / stamp.STAMP).write_bytes(stamp._stamp_text("f" * 64, len(read_manifest(out_a))))
    assert hit(spec_a, out_a) is None
    cli("check", "--spec", str(spec_b), "--out", str(out_b))


def test_check_never_writes_a_stamp(tmp_path: Path) -> None:
    spec, out = project(tmp_path)
    (out / stamp.STAMP).unlink()
    before = tree(out)
    cli("check", "--spec", str(spec), "--out", str(out))
    assert tree(out) == before
    assert hit(spec, out) is None


def test_disabled_cache_neither_reads_nor_writes_a_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = project(tmp_path)
    monkeypatch.setenv(DISABLE_ENV, "1")
    assert hit(spec, out) is None
    (out / stamp.STAMP).unlink()
    cli("generate", "--spec", str(spec), "--out", str(out))
    assert not (out / stamp.STAMP).exists()


def test_leftovers_of_an_interrupted_write_fall_through(tmp_path: Path) -> None:
    spec, out = project(tmp_path)
    (out / TXN_DIR).mkdir()
    assert hit(spec, out) is None
    cli("check", "--spec", str(spec), "--out", str(out))  # the full path removes the unfinished write
    assert not (out / TXN_DIR).exists()
    assert hit(spec, out) is not None
    (out / f"{OLD_STAGE_PREFIX}1").mkdir()
    assert hit(spec, out) is None


def test_a_locked_out_folder_falls_through(tmp_path: Path) -> None:
    """A command writing out/ holds its lock: the fast path does not wait, the full path does."""
    import fcntl

    spec, out = project(tmp_path)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert hit(spec, out) is None
    finally:
        os.close(fd)
    assert hit(spec, out) is not None


def test_a_spec_edited_during_the_run_gets_no_stamp(tmp_path: Path) -> None:
    spec, out = project(tmp_path)
    read = stamp.SpecRead(spec)
    spec.write_bytes(spec.read_bytes() + b"# edited meanwhile\n")
    stamp.write_stamp(spec, out, None, read)
    assert not (out / stamp.STAMP).exists(), "an old stamp must not stay beside files of unknown text"
    read = stamp.SpecRead(spec)
    stamp.write_stamp(spec, out, None, read)
    assert stamp.read_stamp(out) is not None


def test_migrate_writes_a_stamp_that_check_agrees_with(tmp_path: Path) -> None:
    """The issue's loop: edit, ``migrate``, then ``generate``/``check`` by the stamp."""
    case = CASES / "evolution" / "column_alter"
    spec, out = tmp_path / "schema.yaml", tmp_path / "out"
    shutil.copyfile(case / "old.yaml", spec)
    cli("generate", "--spec", str(spec), "--out", str(out))
    shutil.copyfile(case / "new.yaml", spec)
    assert hit(spec, out) is None
    cli("migrate", "--spec", str(spec), "--out", str(out), "--name", "edit", "--allow-destructive")
    count = hit(spec, out)
    assert count == len(read_manifest(out))
    (out / stamp.STAMP).unlink()
    cli("check", "--spec", str(spec), "--out", str(out))  # the full path agrees


@pytest.mark.parametrize("args", [
    [], ["--help"], ["generate", "--help"], ["check", "--spec"], ["check", "--spec", "a", "--spec", "b"],
    ["check", "--dsn", "x"], ["migrate", "--name", "x"], ["check", "extra"], ["check", "--out", "-x"],
    ["check", "--out="], ["--version"], ["generate", "--spec", "--out"],
])
def test_anything_but_plain_generate_or_check_goes_to_the_command_line(args: list[str]) -> None:
    assert stamp.parse(args) is None


def test_parse_defaults_like_the_command_line() -> None:
    assert stamp.parse(["check"]) == ("check", Path("schema.yaml"), Path("out"), None)
    assert stamp.parse(["generate", "--spec", "a/s.yaml", "--templates=t"]) == (
        "generate", Path("a/s.yaml"), Path("a/out"), "t")
    assert stamp.parse(["check", "--out", "o", "--spec=s.yaml"]) == ("check", Path("s.yaml"), Path("o"), None)


HEAVY = ("pydantic", "jinja2", "pglast", "typer", "rich", "yaml", "click", "orjson", "generator.cli",
         "generator.pipeline", "generator.output")
SCRIPT = f"""
import sys
from generator import entry
try:
    entry.main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = [m for m in {HEAVY!r} if m in sys.modules]
print("exit", code, "heavy", heavy)
"""


def test_the_console_script_answers_without_importing_anything_heavy(tmp_path: Path) -> None:
    spec, out = project(tmp_path)
    for command in ("check", "generate"):
        done = subprocess.run([sys.executable, "-c", SCRIPT, command, "--spec", str(spec), "--out", str(out)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "exit 0 heavy []", done.stdout + done.stderr
    (out / next(n for n in read_manifest(out) if n.endswith(".sql"))).write_text("changed\n")
    done = subprocess.run([sys.executable, "-c", SCRIPT, "check", "--spec", str(spec), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert "is out of date" in done.stderr and "exit 1" in done.stdout, done.stdout + done.stderr


def test_the_installed_script_is_the_entry_with_the_fast_path() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["schemagen"] == "generator.entry:main"
