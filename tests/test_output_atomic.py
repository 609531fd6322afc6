"""out/ is written all-or-nothing: killed at every filesystem step, it ends as the old tree or the new.

The writer SIGKILLs itself after its k-th filesystem step when ``$SCHEMAGEN_TEST_KILL_AFTER_STEP=k``
(see generator/output.py). Every k is run in a forked child (imports are shared, so each run costs
the pipeline only); a sample of k is also run as a real ``schemagen`` subprocess. The next command
(``check``) recovers, and out/ must then equal, byte for byte, the tree before or the tree after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import output
from generator.cache import CACHE_DIR
from generator.cli import app
from generator.output import KILL_AFTER_STEP_ENV, TXN_DIR

CASES = Path(__file__).parent / "cases"
SCHEMAGEN = Path(sys.executable).parent / "schemagen"
runner = CliRunner()
Tree = dict[str, bytes]


def tree(out: Path) -> Tree:
    """Every file under ``out`` (relative name → bytes), schemagen's bookkeeping included, but
    not the render cache: it is advisory (written after the transaction, each entry hash-checked
    when read; generator/cache.py), so a killed write may leave the old one beside the new tree."""
    files = {}
    for root, _dirs, names in os.walk(out):
        for name in names:
            path = Path(root) / name
            rel = path.relative_to(out).as_posix()
            if not rel.startswith(CACHE_DIR + "/"):
                files[rel] = path.read_bytes()
    return files


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def killed_run(args: list[str], k: int) -> int:
    """Run ``schemagen ARGS`` in a forked child that SIGKILLs itself after step ``k``; its exit status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 70
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.environ[KILL_AFTER_STEP_ENV] = str(k)
            output._steps = 0
            app(args, prog_name="schemagen")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 71
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


class Scenario:
    """A folder with ``out/`` in its old state, and how to reach the new state."""

    def __init__(self, tmp: Path, prepare: Callable[[Path, Path], list[str]]) -> None:
        self.tmp, self.prepare = tmp, prepare
        self.old, self.new = self._trees()
        assert self.old != self.new

    def reset(self, name: str) -> tuple[Path, Path, list[str]]:
        """A fresh copy of the old state: (spec, out, the command that writes the new state)."""
        folder = self.tmp / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        spec, out = folder / "schema.yaml", folder / "out"
        args = self.prepare(spec, out)
        return spec, out, args

    def _trees(self) -> tuple[Tree, Tree]:
        _spec, out, args = self.reset("reference")
        old = tree(out)
        code, text = cli(*args)
        assert code == 0, text
        return old, tree(out)


def generate_scenario(spec: Path, out: Path) -> list[str]:
    """Old: the case generated, history deleted, a user file. New: a renamed block, so files are
    written, created in a new folder (the history) and removed."""
    shutil.copy(CASES / "migration_order" / "schema.yaml", spec)
    assert cli("generate", "--spec", str(spec), "--out", str(out))[0] == 0
    shutil.rmtree(out / ".schemagen" / "history")
    (out / "NOTES.md").write_text("kept by the user\n")
    spec.write_text(spec.read_text().replace("name: create_helpers", "name: add_helpers")
                    .replace("'child'", "'kid'"))
    return ["generate", "--spec", str(spec), "--out", str(out)]


def migrate_scenario(spec: Path, out: Path) -> list[str]:
    """Old: the case generated. New: migration 004 for an edited default."""
    shutil.copy(CASES / "migration_order" / "schema.yaml", spec)
    assert cli("generate", "--spec", str(spec), "--out", str(out))[0] == 0
    (out / "NOTES.md").write_text("kept by the user\n")
    spec.write_text(spec.read_text().replace("'child'", "'kid'"))
    return ["migrate", "--name", "kid_label", "--spec", str(spec), "--out", str(out)]


def recovered(spec: Path, out: Path) -> Tree:
    """out/ after the next command (``check``) has recovered it."""
    code, text = cli("check", "--spec", str(spec), "--out", str(out))
    assert code in (0, 1), text
    assert not (out / TXN_DIR).exists()
    assert not list(out.glob(".schemagen-stage-*"))
    return tree(out)


@pytest.mark.parametrize("prepare", [generate_scenario, migrate_scenario], ids=["generate", "migrate"])
def test_killed_after_every_step_out_is_the_old_tree_or_the_new(tmp_path: Path, prepare) -> None:
    s = Scenario(tmp_path, prepare)
    outcomes = []
    for k in range(1, 500):
        spec, out, args = s.reset("run")
        status = killed_run(args, k)
        if status == 0:
            assert tree(out) == s.new
            break
        assert status == -9, f"step {k}: exit status {status}"
        after = recovered(spec, out)
        assert after in (s.old, s.new), f"killed after step {k}: a mix of old and new files"
        outcomes.append("new" if after == s.new else "old")
    else:
        pytest.fail("the write never finished")
    # Rolled back up to the commit point, forward after it; both sides were exercised.
    assert outcomes == sorted(outcomes, key=lambda o: o == "new"), outcomes
    assert "old" in outcomes and "new" in outcomes and len(outcomes) >= 10, outcomes


def test_a_killed_recovery_is_recovered_again(tmp_path: Path) -> None:
    s = Scenario(tmp_path, generate_scenario)
    # The first k after which the journal is committed: the recovery has every move still to do.
    for k in range(1, 500):
        spec, out, args = s.reset("commit")
        assert killed_run(args, k) == -9
        if (out / TXN_DIR / "journal").exists():
            break
    saved = tmp_path / "saved"
    shutil.copytree(out, saved, symlinks=True)
    for j in range(1, 500):
        shutil.rmtree(out)
        shutil.copytree(saved, out, symlinks=True)
        status = killed_run(["check", "--spec", str(spec), "--out", str(out)], j)
        assert recovered(spec, out) == s.new, f"recovery killed after its step {j}"
        if status != -9:
            break
    assert j > 5


def test_killed_schemagen_subprocess_leaves_the_old_tree_or_the_new(tmp_path: Path) -> None:
    """Real `schemagen migrate` processes, SIGKILLed every few steps; real `schemagen check` recovers."""
    s = Scenario(tmp_path, migrate_scenario)
    seen = set()
    for k in range(1, 500, 5):
        spec, out, args = s.reset("run")
        env = {**os.environ, KILL_AFTER_STEP_ENV: str(k)}
        done = subprocess.run([str(SCHEMAGEN), *args], env=env, capture_output=True, text=True, timeout=120)
        if done.returncode == 0:
            assert tree(out) == s.new
            break
        assert done.returncode == -9, done.stderr
        check = subprocess.run([str(SCHEMAGEN), "check", "--spec", str(spec), "--out", str(out)],
                               capture_output=True, text=True, timeout=120)
        assert "Traceback" not in check.stderr
        after = tree(out)
        assert after in (s.old, s.new), f"killed after step {k}"
        seen.add("new" if after == s.new else "old")
        if after == s.new:
            assert check.returncode == 0 and "finished the interrupted write" in check.stderr, check.stderr
    assert seen == {"old", "new"}


# --- leftovers --------------------------------------------------------------------------------------


def test_leftover_staging_folders_are_removed_and_out_is_unchanged(tmp_path: Path) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    spec, out, _args = s.reset("run")
    old_style = out / ".schemagen-stage-k2j4x9"  # what earlier versions left behind
    (old_style / ".schemagen" / "history").mkdir(parents=True)
    (old_style / "001_create_parents.sql").write_text("half\n")
    unfinished = out / TXN_DIR / "new"  # staging without a journal: never committed
    unfinished.mkdir(parents=True)
    (unfinished / "001_create_parents.sql").write_text("half\n")
    code, text = cli("check", "--spec", str(spec), "--out", str(out))
    assert code == 1, text  # the spec was edited: check reports the unrecorded change…
    assert "removed" in text and ".schemagen-stage-k2j4x9" in text and "was not changed" in text
    assert tree(out) == s.old  # …after removing the leftovers, touching nothing else
    assert not old_style.exists() and not (out / TXN_DIR).exists()


def test_migrate_says_what_the_recovery_did(tmp_path: Path) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    spec, out, _args = s.reset("notes")
    (out / ".schemagen-stage-q7" / "x").mkdir(parents=True)  # left by an earlier version
    code, text = cli("migrate", "--name", "next", "--spec", str(spec), "--out", str(out))
    assert code == 0, text
    assert "note:" in text and ".schemagen-stage-q7" in text
    assert not (out / ".schemagen-stage-q7").exists()
    assert cli("check", "--spec", str(spec), "--out", str(out))[0] == 0


# --- the manifest and the journal never reach outside out/ ------------------------------------------


@pytest.mark.parametrize("name,plain", [
    ("001_x.sql", True), (".schemagen/history/001_x.json", True), ("docs/a b.md", True),
    ("../x", False), ("a/../../x", False), ("/etc/passwd", False), ("./x", False), ("a//b", False),
    ("", False), ("a\\..\\x", False), ("a\rb", False), (".schemagen/txn/journal", False),
    (".schemagen-stage-x/y", False),
])
def test_plain_names(name: str, plain: bool) -> None:
    assert output.is_plain_name(name) is plain


def test_a_manifest_entry_outside_out_is_refused_and_nothing_is_deleted(tmp_path: Path) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    spec, out, _args = s.reset("run")
    spec.write_text((CASES / "migration_order" / "schema.yaml").read_text())
    victims = [tmp_path / "victim_up", tmp_path / "victim_abs", tmp_path / "elsewhere" / "victim_link"]
    for v in victims:
        v.parent.mkdir(exist_ok=True)
        v.write_text("not schemagen's\n")
    (out / "link").symlink_to(tmp_path / "elsewhere")
    manifest = out / ".schemagen" / "manifest"
    manifest.write_text(manifest.read_text() + f"../../victim_up\n{victims[1]}\nlink/victim_link\n")
    before = tree(out)
    for command in ("generate", "check"):
        code, text = cli(command, "--spec", str(spec), "--out", str(out))
        assert code == 2, text
        assert f"{manifest}:13: entry '../../victim_up' is not a plain relative path inside {out}" in text
        assert f"{manifest}:14:" in text and f"{manifest}:15:" in text
        assert all(v.read_text() == "not schemagen's\n" for v in victims)
        assert tree(out) == before
    code, text = cli("migrate", "--name", "x", "--spec", str(spec), "--out", str(out))
    assert code == 2 or "nothing to migrate" in text, text
    assert all(v.exists() for v in victims)


def test_a_journal_naming_paths_outside_out_is_refused(tmp_path: Path) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    spec, out, _args = s.reset("run")
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    (out / TXN_DIR / "new").mkdir(parents=True)
    (out / TXN_DIR / "journal").write_text('{"format": 1, "write": [], "remove": ["../../victim"]}')
    code, text = cli("check", "--spec", str(spec), "--out", str(out))
    assert code == 2 and "'../../victim' is not a plain relative path" in text, text
    assert victim.exists()


# --- the lock -----------------------------------------------------------------------------------------


def test_a_second_command_waits_for_the_lock_then_fails_naming_it(tmp_path: Path) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    spec, out, args = s.reset("run")
    env = {**os.environ, "SCHEMAGEN_LOCK_TIMEOUT": "0.5"}
    with output.locked_out(out):
        done = subprocess.run([str(SCHEMAGEN), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"{out} is locked by another schemagen command" in done.stderr
    assert "waited 0.5 s" in done.stderr and "SCHEMAGEN_LOCK_TIMEOUT" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree(out) == s.old
    again = subprocess.run([str(SCHEMAGEN), *args], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr  # the lock is gone with its holder


def _start(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "SCHEMAGEN_LOCK_TIMEOUT": "300"}
    return subprocess.Popen([str(SCHEMAGEN), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_concurrent_generates_of_different_specs_leave_exactly_one_tree(tmp_path: Path) -> None:
    specs = {}
    for variant, edit in (("a", "'child'"), ("b", "'kid'")):
        spec = tmp_path / f"{variant}.yaml"
        spec.write_text((CASES / "migration_order" / "schema.yaml").read_text().replace("'child'", edit))
        reference = tmp_path / f"ref_{variant}"
        assert cli("generate", "--spec", str(spec), "--out", str(reference))[0] == 0
        specs[variant] = (spec, tree(reference))
    assert specs["a"][1] != specs["b"][1]
    for round_ in range(3):
        out = tmp_path / f"out{round_}"
        runs = {v: _start(["generate", "--spec", str(spec), "--out", str(out)]) for v, (spec, _t) in specs.items()}
        codes = {v: p.wait(timeout=300) for v, p in runs.items()}
        errors = {v: p.stderr.read() for v, p in runs.items()}  # type: ignore[union-attr]
        assert sorted(codes.values()) == [0, 1], errors  # the second sees the first's history
        winner = next(v for v, c in codes.items() if c == 0)
        loser = next(v for v, c in codes.items() if c == 1)
        assert "has changes no migration records yet" in errors[loser]
        assert tree(out) == specs[winner][1]


def test_concurrent_migrates_never_write_the_same_number_twice(tmp_path: Path) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    for round_ in range(2):
        spec, out, _args = s.reset(f"round{round_}")
        runs = [_start(["migrate", "--name", name, "--spec", str(spec), "--out", str(out)])
                for name in ("one", "two")]
        codes = [p.wait(timeout=300) for p in runs]
        errors = [p.stderr.read() for p in runs]  # type: ignore[union-attr]
        assert sorted(codes) == [0, 1], errors
        assert "nothing to migrate" in errors[codes.index(1)]
        assert len(list(out.glob("004_*.sql"))) == 1 and len(list(out.glob("rollback_004_*.sql"))) == 1
        assert len(list((out / ".schemagen" / "history").glob("004_*.json"))) == 1
        assert cli("check", "--spec", str(spec), "--out", str(out))[0] == 0


# --- no traceback ---------------------------------------------------------------------------------------


def test_out_pointing_at_a_file_is_a_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    shutil.copy(CASES / "migration_order" / "schema.yaml", spec)
    file = tmp_path / "out"
    file.write_text("a file\n")
    for args in (["generate"], ["check"], ["migrate", "--name", "x"]):
        code, text = cli(*args, "--spec", str(spec), "--out", str(file))
        assert code == 2, text
        assert f"--out {file} is a file, not a folder" in text
    assert file.read_text() == "a file\n"
    code, text = cli("generate", "--spec", str(spec), "--out", str(file / "sub"))
    assert code == 2 and "cannot create the folder" in text, text


def test_a_failed_generate_creates_no_out_folder(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text("project: {name: x}\ntables: 3\n")
    code, _text = cli("generate", "--spec", str(spec), "--out", str(tmp_path / "new" / "out"))
    assert code == 2
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("content,where", [
    (b"\x00\x01\xff\xfebinary", ":1:3: not a schemagen history file (not UTF-8 text: byte 0xff)"),
    (b'{"format": 1,\n  "migration": ', ":2:16: not a schemagen history file"),
    (b"[1, 2]", ": not a schemagen history file (TypeError: a JSON object was expected, not list)"),
    (b'{"format": 1, "migration": {"number": 2}}', ": not a schemagen history file (KeyError"),
])
def test_a_corrupt_history_file_is_a_located_error(tmp_path: Path, content: bytes, where: str) -> None:
    s = Scenario(tmp_path, migrate_scenario)
    spec, out, _args = s.reset("run")
    bad = out / ".schemagen" / "history" / "002_create_helpers.json"
    bad.write_bytes(content)
    before = tree(out)
    for args in (["generate"], ["check"], ["migrate", "--name", "x"]):
        code, text = cli(*args, "--spec", str(spec), "--out", str(out))
        assert code == 2, text
        assert f"{bad}{where}" in text
    assert tree(out) == before
