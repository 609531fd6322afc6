"""Writing ``out/`` all-or-nothing, and comparing it with what the spec generates.

Generated files are listed in ``out/.schemagen/manifest``; only files listed there are ever
replaced or removed, so files a user keeps in ``out/`` are never touched. Every entry must be a
plain relative path inside ``out/``; a manifest that names anything else is refused before
anything is written or deleted.

A write is a small transaction, safe against ``kill -9`` and power loss:

1. the changed files are staged (and fsync'd) in ``out/.schemagen/txn/new/``;
2. the journal ``out/.schemagen/txn/journal`` (files to move in, stale files to remove) is
   written, fsync'd and renamed into place: this is the commit point;
3. the staged files are renamed over their targets, stale files removed, the folders fsync'd,
   then the journal and the staging folder are deleted.

The next command that reads or writes ``out/`` (generate, migrate, check, verify) recovers first:
with a journal it finishes the moves (roll forward; every step can be repeated), without one it
deletes the staging folder (roll back: ``out/`` was not touched yet). ``out/`` therefore always
ends up equal to the old tree or the new one, never a mix.

Commands that write ``out/`` hold an exclusive ``flock`` on the ``out/`` folder itself (it is
never replaced, so the lock survives every rename, and no lock file is left in ``out/``) from
reading the history to the end of the write; a second command waits up to
``$SCHEMAGEN_LOCK_TIMEOUT`` seconds (default 10), then fails naming the lock.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import fcntl
import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

from .errors import SchemagenError

MANIFEST = ".schemagen/manifest"
TXN_DIR = ".schemagen/txn"
JOURNAL_FORMAT = 1
LOCK_TIMEOUT_ENV = "SCHEMAGEN_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
#: Test hook: the writer SIGKILLs itself right after its k-th filesystem step (kill tests).
KILL_AFTER_STEP_ENV = "SCHEMAGEN_TEST_KILL_AFTER_STEP"
#: Folders earlier versions staged in directly under ``out/``; removed on recovery.
_OLD_STAGE_PREFIX = ".schemagen-stage-"


class _Journal(TypedDict):
    """The committed journal of a write: which staged files go into out/ and which files leave it."""

    format: int
    write: list[str]
    remove: list[str]


_WRITE_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """A file of ``out/``: its path relative to ``out/`` and its exact text (LF endings)."""

    name: str
    text: str

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes (UTF-8), a megabyte of text at a time: a big text encoded at once
        would be one more copy of it at the peak."""
        text = self.text
        for i in range(0, len(text), _WRITE_CHUNK):
            yield text[i:i + _WRITE_CHUNK].encode("utf-8")


class StreamedFile(GeneratedFile):
    """A generated file whose bytes are made when they are written or compared, and not kept
    (the 10 MB first history of a 1,000-table spec). ``text`` makes the whole text on each use.
    ``size``: its number of bytes when known beforehand (read back from a worker's memory file)."""

    __slots__ = ("_make", "size")
    _make: Callable[[], Iterable[bytes]]
    size: int | None

    def __init__(self, name: str, make: Callable[[], Iterable[bytes]], size: int | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_make", make)
        object.__setattr__(self, "size", size)

    @property
    def text(self) -> str:
        return b"".join(self._make()).decode("utf-8")

    def chunks(self) -> Iterator[bytes]:
        return iter(self._make())


class OutputError(SchemagenError):
    """``out/`` cannot be written (disk, permissions) or is busy."""

    exit_code = 1


class OutFolderError(OutputError):
    """``--out`` is not a usable folder, or its manifest or journal names paths outside it."""

    exit_code = 2


class LockBusy(OutputError):
    """Another schemagen command held the lock on ``out/`` for longer than the lock timeout."""

    exit_code = 1


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``; nothing elsewhere).

    A pipeline run frees a lot (the YAML node tree, the per-op render caches, encoder buffers)
    between objects that stay; glibc keeps those pages, so they still count in the process's
    resident set when writing ``out/`` reaches its peak (~6 MiB at 1,000 tables). ~1 ms."""
    global _trim
    if _trim is None:
        try:
            import ctypes

            _trim = ctypes.CDLL(None).malloc_trim
        except (ImportError, OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
            _trim = False
    if _trim:
        _trim(0)


_trim: Any = None


# --- names ----------------------------------------------------------------------------------------


def is_plain_name(name: str) -> bool:
    """True for a plain relative path (``a/b.sql``): no absolute path, ``..``, ``.``, empty part,
    backslash or control character, and nothing inside schemagen's own staging folder."""
    if not name or name.startswith("/") or "\\" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return False
    return not (name == TXN_DIR or name.startswith(TXN_DIR + "/") or parts[0].startswith(_OLD_STAGE_PREFIX))


def _inside(out: Path, name: str) -> bool:
    """True when ``out/name``'s folder, symbolic links followed, is ``out`` or below it."""
    root = out.resolve()
    parent = (out / name).parent.resolve()
    return parent == root or root in parent.parents


_HINT = ("\n    hint: schemagen only lists files it generated inside out/; restore the file (e.g. `git checkout`) "
         "or remove the line. Nothing was written or deleted.")


def _check_names(out: Path, numbered: list[tuple[int, str]], source: str) -> None:
    """Raise OutFolderError (every bad line, located) unless each name is plain and inside ``out``."""
    bad = [f"{source}:{i}: entry {n!r} is not a plain relative path inside {out}"
           for i, n in numbered if not is_plain_name(n) or not _inside(out, n)]
    if bad:
        raise OutFolderError("\n".join(bad) + _HINT)


def _manifest_text(files: list[GeneratedFile]) -> str:
    names = sorted(f.name for f in files)
    return "# files generated by schemagen; do not edit\n" + "".join(f"{n}\n" for n in names)


def with_manifest(files: list[GeneratedFile]) -> list[GeneratedFile]:
    """The files plus the manifest that lists them."""
    return [*files, GeneratedFile(MANIFEST, _manifest_text(files))]


def read_manifest(out: Path) -> list[str]:
    """Names listed in ``out``'s manifest (empty when there is none).

    Raises OutFolderError when the manifest is not text or an entry is not a plain relative path
    inside ``out`` (``../x``, ``/etc/x``, through a symbolic link), so nothing outside is touched.
    """
    path = out / MANIFEST
    if not path.is_file():
        return []
    try:
        lines = path.read_bytes().decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise OutFolderError(f"{path}: not a schemagen manifest (not UTF-8 text: {exc.reason})") from None
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc.strerror}") from None
    numbered = [(i, line) for i, line in enumerate(lines, 1) if line and not line.startswith("#")]
    _check_names(out, numbered, str(path))
    return [line for _i, line in numbered]


# --- the lock -------------------------------------------------------------------------------------

_held: dict[tuple[int, int], int] = {}  # (device, inode) of a locked out/ → nesting depth in this process


def _lock_timeout() -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise OutFolderError(f"${LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds") from None


def _usable_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutFolderError(f"--out {out} is a file, not a folder; pass the folder generated files go to")


def _make_folder(out: Path) -> list[Path]:
    """Create ``out`` (and missing parents); the folders created, innermost first."""
    created = []
    p = out
    while not p.exists() and p != p.parent:
        created.append(p)
        p = p.parent
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutFolderError(f"cannot create the folder --out {out}: {exc.strerror}") from None
    return created


def _flock(out: Path, timeout: float, create: bool) -> int | None:
    """An fd of ``out`` holding its exclusive flock; waits up to ``timeout`` seconds.

    None when ``out`` vanished meanwhile and ``create`` is false (nothing left to read)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise OutFolderError(f"cannot open the folder --out {out}: {exc.strerror}") from None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise OutputError(f"cannot lock the folder {out}: {exc.strerror}") from None
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockBusy(
                        f"{out} is locked by another schemagen command (the lock is a flock on the folder {out}); "
                        f"waited {timeout:g} s\n    hint: wait for it to finish and run this command again, or "
                        f"set ${LOCK_TIMEOUT_ENV} to wait longer") from None
                time.sleep(0.05)
        # The folder may have been removed (and re-created) while we waited: lock the one that is there.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(out))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)
        if not create and not out.exists():
            return None
        _make_folder(out)


@contextlib.contextmanager
def locked_out(out: Path, *, create: bool = True) -> Iterator[list[str]]:
    """Hold the exclusive lock on ``out`` and recover any interrupted write first.

    Yields notes on what the recovery did (empty when there was nothing to do). With ``create``
    (commands that write), a missing ``out`` is created, and removed again on exit when it is
    still empty; without it (commands that only read), a missing ``out`` is left alone.
    Re-entrant within one process. Raises OutFolderError when ``out`` is a file, LockBusy when
    another command keeps the lock past the timeout.
    """
    out = Path(out)
    _usable_folder(out)
    if not out.exists() and not create:
        yield []
        return
    created = _make_folder(out) if create else []
    key = (out.stat().st_dev, out.stat().st_ino)
    if key in _held:
        _held[key] += 1
        try:
            yield []
        finally:
            _held[key] -= 1
        return
    fd = _flock(out, _lock_timeout(), create)
    if fd is None:
        yield []
        return
    key = (os.fstat(fd).st_dev, os.fstat(fd).st_ino)
    _held[key] = 1
    try:
        yield recover(out)
    finally:
        del _held[key]
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds while empty: nothing was written
        os.close(fd)  # releases the flock


# --- the transaction ------------------------------------------------------------------------------

_steps = 0


def _step() -> None:
    """Count one filesystem change; the kill tests make the process SIGKILL itself after the k-th."""
    global _steps
    _steps += 1
    at = os.environ.get(KILL_AFTER_STEP_ENV)
    if at and at.isdigit() and _steps == int(at):
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dirs(root: Path, names: list[str]) -> None:
    """fsync ``root`` and every folder below it that holds one of ``names`` (deepest first), so
    the renames, removals and new folders are on disk before the next step relies on them."""
    folders = {root}
    for name in names:
        folders.update(root / Path(*parts) for parts in _prefixes(name))
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        if folder.is_dir():
            _fsync_dir(folder)


def _prefixes(name: str) -> list[tuple[str, ...]]:
    """The folders of ``a/b/c.sql`` below the root: ``a``, ``a/b``."""
    parts = name.split("/")[:-1]
    return [tuple(parts[:i]) for i in range(1, len(parts) + 1)]


def _write_synced(path: Path, data: bytes | GeneratedFile) -> None:
    """Write ``data`` (a generated file: its chunks, see :meth:`GeneratedFile.chunks`) and fsync it."""
    with open(path, "wb") as f:
        if isinstance(data, GeneratedFile):
            for chunk in data.chunks():
                f.write(chunk)
        else:
            f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _same_bytes(path: Path, f: GeneratedFile) -> bool:
    """True when the regular file ``path`` holds exactly ``f``'s bytes (compared chunk by chunk)."""
    with open(path, "rb") as held:
        for chunk in f.chunks():
            if held.read(len(chunk)) != chunk:
                return False
        return held.read(1) == b""


def _needs_write(out: Path, f: GeneratedFile) -> bool:
    path = out / f.name
    if path.is_dir():
        raise OutputError(f"cannot write {path}: a folder is in the way")
    return not (path.is_file() and not path.is_symlink() and _same_bytes(path, f))


def _stage(txn: Path, files: list[GeneratedFile], remove: list[str]) -> _Journal:
    """Stage ``files`` under ``txn/new`` and commit the journal; out/ itself is not touched."""
    new = txn / "new"
    new.mkdir(parents=True)
    _step()
    for f in files:
        target = new / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_synced(target, f)
        _step()
    _fsync_dirs(new, [f.name for f in files])
    journal: _Journal = {"format": JOURNAL_FORMAT, "write": [f.name for f in files], "remove": remove}
    _write_synced(txn / "journal.tmp", json.dumps(journal, indent=1).encode("utf-8"))
    _step()
    os.replace(txn / "journal.tmp", txn / "journal")  # the commit point
    _fsync_dir(txn)
    _step()
    return journal


def _roll_forward(out: Path, txn: Path, journal: _Journal) -> None:
    """Move the staged files of a committed journal into place and remove the stale ones.

    Each step can be repeated: a staged file that is gone was moved already.
    """
    write, remove = journal["write"], journal["remove"]
    assert isinstance(write, list) and isinstance(remove, list)
    for name in write:
        src, dst = txn / "new" / name, out / name
        if os.path.lexists(src):
            if not dst.parent.is_dir():
                dst.parent.mkdir(parents=True)
                _step()
            os.replace(src, dst)
            _step()
    for name in remove:
        path = out / name
        if os.path.lexists(path):
            path.unlink()
            _step()
    _fsync_dirs(out, write + remove)
    (txn / "journal").unlink()
    _fsync_dir(txn)
    _step()
    _remove_tree(txn)
    _step()


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path)


def _read_journal(out: Path, txn: Path) -> _Journal:
    path = txn / "journal"
    try:
        journal = json.loads(path.read_bytes().decode("utf-8"))
        ok = (isinstance(journal, dict) and journal.get("format") == JOURNAL_FORMAT
              and all(isinstance(journal.get(k), list) and all(isinstance(n, str) for n in journal[k])
                      for k in ("write", "remove")))
    except (ValueError, OSError, RecursionError):
        ok = False
    if not ok:
        raise OutFolderError(f"{path}: not a schemagen journal, so the interrupted write cannot be finished\n"
                             f"    hint: delete {txn} and run `schemagen generate` again")
    _check_names(out, list(enumerate(journal["write"] + journal["remove"], 1)), f"{path}: item")
    return cast(_Journal, journal)  # its shape was checked above


def recover(out: Path) -> list[str]:
    """Finish or undo a write of ``out`` that was interrupted; remove staging leftovers.

    Call with the lock held. Returns one note per thing done.
    """
    notes = []
    try:
        for old in sorted(out.glob(_OLD_STAGE_PREFIX + "*")):
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
                notes.append(f"removed {old}, a staging folder an earlier schemagen left behind")
        txn = out / TXN_DIR
        if os.path.lexists(txn / "journal"):
            journal = _read_journal(out, txn)
            _roll_forward(out, txn, journal)
            notes.append(f"finished the interrupted write of {out} ({len(journal['write'])} files)")
        elif os.path.lexists(txn):
            _remove_tree(txn)
            _step()
            notes.append(f"removed an unfinished write of {out} ({txn}); {out} was not changed by it")
    except OSError as exc:
        raise OutputError(f"cannot recover the interrupted write of {out}: {exc}") from None
    return notes


def write_out(out: Path, files: list[GeneratedFile]) -> tuple[list[str], list[str]]:
    """Write ``files`` into ``out`` all-or-nothing (see the module docstring), under its lock.

    Returns (written or changed names, removed stale names). Nothing in ``out`` changes when
    the manifest is bad, staging fails, or the process dies before the journal is committed.
    """
    out = Path(out)
    files = with_manifest(files)
    with locked_out(out):
        previous = read_manifest(out)
        _check_names(out, list(enumerate((f.name for f in files), 1)), "generated file")
        names = {f.name for f in files}
        try:
            changed = [f for f in files if _needs_write(out, f)]
            removed = sorted(n for n in previous if n not in names and (out / n).is_file())
            if changed or removed:
                txn = out / TXN_DIR
                if os.path.lexists(txn):  # only when a caller holds the lock and skipped recovery
                    _remove_tree(txn)
                _roll_forward(out, txn, _stage(txn, changed, removed))
        except OSError as exc:
            with contextlib.suppress(OSError):
                if not os.path.lexists(out / TXN_DIR / "journal"):
                    _remove_tree(out / TXN_DIR)  # roll back: out/ itself was not touched
            raise OutputError(f"cannot write {out}: {exc}") from None
    release_free_memory()  # what encoding the files allocated: the stamp and the cache come next
    return [f.name for f in changed if f.name != MANIFEST], removed


@dataclass(frozen=True, slots=True)
class Drift:
    """How ``out/`` differs from what the spec generates."""

    changed: list[tuple[str, str]]  # (name, unified diff)
    missing: list[str]
    stale: list[str]

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.stale)


def compare_out(out: Path, files: list[GeneratedFile]) -> Drift:
    """Compare ``out`` with the files the spec generates, byte for byte."""
    files = with_manifest(files)
    changed, missing = [], []
    for f in files:
        path = out / f.name
        if not path.is_file():
            missing.append(f.name)
            continue
        if not _same_bytes(path, f):
            current = path.read_bytes()
            old = current.decode("utf-8", errors="replace").splitlines(keepends=True)
            new = f.text.splitlines(keepends=True)
            diff = "".join(difflib.unified_diff(old, new, f"out/{f.name} (committed)", f"out/{f.name} (generated)"))
            changed.append((f.name, diff or "(line endings or encoding differ)\n"))
    names = {f.name for f in files}
    stale = sorted(n for n in read_manifest(out) if n not in names and (out / n).exists())
    return Drift(changed, missing, stale)
