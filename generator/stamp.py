"""The fast path of ``generate`` and ``check`` when nothing changed: a stamp in ``out/.schemagen/cache/``.

Why: a ``check`` in CI or a pre-commit hook, or a ``generate`` run out of habit, usually finds
``out/`` already equal to what the spec generates. Proving that by running the pipeline costs
seconds on a large spec (YAML, pydantic, build, lint, history, render); proving it by hashing
costs a few tens of milliseconds, in a process that imports nothing heavy (no pydantic, Jinja,
pglast, typer or rich: ``generator.entry`` runs before the command line is imported).

**What the stamp says.** After ``generate`` or ``migrate`` wrote ``out/`` (under its lock), the
stamp records one SHA-256 over everything their output is a function of, and over the output:

* the generator: the bytes of every ``.py`` file of this package, of the built-in templates and
  of ``--templates`` (path and files), the Python version and the names (with versions) of the
  installed distributions (so a different pglast, Jinja, pydantic... is a different generator);
* how it was run: the command's ``--spec`` and ``--out`` as given, and the spec file's bytes (the
  spec is one self-contained file: nothing else is read from outside ``out/``);
* ``out/``: the manifest's bytes and the bytes of every file it lists (the files ``check``
  compares and ``generate`` writes), and the name and bytes of every file in the history folder
  (``generate`` reads all of them, listed or not).

**When it is used.** ``generate``/``check`` compute the same hash from what is on disk (holding
the lock of ``out/``); when it equals the stamp's, the full run would find nothing to write and
no difference, so ``check`` passes and ``generate`` writes nothing. Anything else falls through
to the full path: any byte changed anywhere in the spec or in a covered file, a file added to the
history folder, a different generator, a stamp that is missing, truncated, corrupted or written
for another ``out/`` (its own SHA-256 is checked first), a symbolic link among the covered files,
leftovers of an interrupted write, ``$SCHEMAGEN_NO_CACHE``. Only successful writes make a stamp;
``check`` never writes one (nor anything else on this path). The stamp lives beside the render
cache (git-ignored, never in the manifest) and is written by a rename.

The spec is read before the run and again after it (bytes and ``stat``: inode, size, mtime and
ctime); a spec edited meanwhile gets no stamp, since the files written may be those of either text.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from .cache import CACHE_DIR, DISABLE_ENV, PartsHash, tree_digest

STAMP = f"{CACHE_DIR}/stamp"
FORMAT = 1
_MAGIC = f"schemagen-stamp {FORMAT}"
# the same names as generator/output.py and generator/history.py (imported lazily there: they
# pull in more than this module needs; tests/test_stamp.py checks they agree)
_MANIFEST = ".schemagen/manifest"
_TXN_DIR = ".schemagen/txn"
_OLD_STAGE_PREFIX = ".schemagen-stage-"
_HISTORY_DIR = ".schemagen/history"


def builtin_templates() -> Path:
    """Our template folder: shipped inside the installed package, or the repo's ``templates/``
    (``generator.render.env`` uses this one; it lives here because this module imports no Jinja)."""
    packaged = Path(__file__).resolve().parent / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "templates"


def _distributions() -> list[str]:
    """The installed distributions (``name-version.dist-info``) of the site folders on ``sys.path``:
    read from the folder names, without importing ``importlib.metadata`` (≈ 50 ms)."""
    names: list[str] = []
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            with contextlib.suppress(OSError):
                names += sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
    return names


def generator_fingerprint(templates: str | None) -> str:
    """The hash of the generator: its code, templates (``templates`` first), libraries, Python."""
    h = PartsHash()
    h.add(_MAGIC)
    h.add(sys.version)
    for name in _distributions():
        h.add(name)
    h.add("code")
    h.add(tree_digest(str(Path(__file__).resolve().parent), (".py",)))
    for root in ([Path(templates)] if templates else []) + [builtin_templates()]:
        h.add(f"templates {root}")
        h.add(tree_digest(str(root), None))
    return h.hexdigest()


def _regular(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (not a symbolic link), else None."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return path.read_bytes()
    except OSError:
        return None


def _plain(name: str) -> bool:
    """A plain relative path (the rules of ``generator.output.is_plain_name``)."""
    if not name or name.startswith("/") or "\\" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    parts = name.split("/")
    return not any(p in ("", ".", "..") for p in parts) and not (
        name == _TXN_DIR or name.startswith(_TXN_DIR + "/") or parts[0].startswith(_OLD_STAGE_PREFIX))


def out_digest(spec: Path, out: Path, spec_bytes: bytes, fingerprint: str) -> tuple[str, int] | None:
    """The stamp's hash of ``out`` for ``spec`` (given as ``spec``, holding ``spec_bytes``) and the
    number of generated files; None when ``out`` cannot be covered (no manifest, a listed file
    missing or behind a symbolic link, leftovers of an interrupted write)."""
    if os.path.lexists(out / _TXN_DIR) or any(n.startswith(_OLD_STAGE_PREFIX) for n in os.listdir(out)):
        return None
    h = PartsHash()
    for part in (_MAGIC, fingerprint, str(spec), spec_bytes, str(out)):
        h.add(part)
    manifest = _regular(out / _MANIFEST)
    if manifest is None:
        return None
    h.add(manifest)
    try:
        lines = manifest.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    names = [line for line in lines if line and not line.startswith("#")]
    folders: set[str] = set()
    for name in names:
        if not _plain(name):
            return None
        parts = name.split("/")
        for i in range(1, len(parts)):  # every folder on the way: a real folder, no symbolic link
            folder = "/".join(parts[:i])
            if folder not in folders:
                try:
                    if not stat.S_ISDIR(os.lstat(out / folder).st_mode):
                        return None
                except OSError:
                    return None
                folders.add(folder)
        h.add(name)
        if not h.add_file(out / name):  # a megabyte at a time; not a regular file: not covered
            return None
    history = out / _HISTORY_DIR
    if os.path.lexists(history):
        if not stat.S_ISDIR(os.lstat(history).st_mode):
            return None
        listed = set(names)
        for name in sorted(os.listdir(history)):
            h.add(f"history {name}")
            if f"{_HISTORY_DIR}/{name}" not in listed and not h.add_file(history / name):
                return None
    return h.hexdigest(), len(names)


def _stamp_text(digest: str, count: int) -> bytes:
    body = f"{digest} {count}\n".encode()
    return f"{_MAGIC} {hashlib.sha256(body).hexdigest()}\n".encode() + body


def read_stamp(out: Path) -> tuple[str, int] | None:
    """(hash, number of files) of ``out``'s stamp; None when missing or failing its own hash."""
    data = _regular(out / STAMP)
    if data is None:
        return None
    head, _, body = data.partition(b"\n")
    if head != f"{_MAGIC} {hashlib.sha256(body).hexdigest()}".encode():
        return None
    fields = body.decode("ascii", "replace").split()
    if len(fields) != 2 or len(fields[0]) != 64 or not fields[1].isdigit():
        return None
    return fields[0], int(fields[1])


def enabled() -> bool:
    """False when ``$SCHEMAGEN_NO_CACHE`` is set: no stamp is read or written."""
    return not os.environ.get(DISABLE_ENV)


class SpecRead:
    """The spec as it was before a run (bytes and stat), to prove afterwards it did not change."""

    def __init__(self, spec: Path) -> None:
        self.spec = spec
        self.before = self._read()

    def _read(self) -> tuple[bytes, tuple[int, ...]] | None:
        try:
            with open(self.spec, "rb") as f:
                st = os.fstat(f.fileno())
                return f.read(), (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except OSError:
            return None

    def unchanged(self) -> bytes | None:
        """The spec's bytes when they (and its stat) are as they were before the run, else None."""
        after = self._read()
        if self.before is None or after != self.before:
            return None
        return after[0]


def write_stamp(spec: Path, out: Path, templates: str | None, read: SpecRead) -> None:
    """Record that ``out`` is what ``spec`` generates. Call only after the run wrote ``out``
    successfully, under its lock. Best effort: a stamp that is not written only costs a full run.

    Nothing is written when the spec changed during the run, when the cache folder is not a real
    folder inside ``out`` (a symbolic link), or with ``$SCHEMAGEN_NO_CACHE``; an old stamp is then
    removed (when it can be) so that it cannot outlive the files it described."""
    if not enabled():
        return
    out = Path(out)
    path = out / STAMP
    folder = path.parent
    with contextlib.suppress(OSError):
        if any(p.is_symlink() for p in (folder, folder.parent)):
            return
        spec_bytes = read.unchanged()
        done = out_digest(spec, out, spec_bytes, generator_fingerprint(templates)) if spec_bytes is not None else None
        if done is None:
            if os.path.lexists(path) and not path.is_dir():
                path.unlink()
            return
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.is_file():
            ignore.write_text("# schemagen's render cache: local, never committed\n*\n", encoding="utf-8")
        tmp = folder / f"stamp.tmp{os.getpid()}"
        tmp.write_bytes(_stamp_text(*done))
        os.replace(tmp, path)


def up_to_date(spec: Path, out: Path, templates: str | None) -> int | None:
    """The number of generated files when ``out`` is exactly what ``spec`` generates according to
    a matching stamp (read under ``out``'s lock); None when the full path must decide."""
    if not enabled():
        return None
    try:
        if not out.is_dir() or not spec.is_file():
            return None
        stamped = read_stamp(out)
        if stamped is None or os.path.lexists(out / _TXN_DIR):
            return None
        fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the lock of out/ (generator/output.py)
            # busy (OSError): a command is writing out/; the full path waits for it
            if os.path.lexists(out / _TXN_DIR):  # an interrupted write: the full path recovers it
                return None
            stamped = read_stamp(out)  # again, under the lock: the one its writer left
            spec_bytes = spec.read_bytes()
            done = out_digest(spec, out, spec_bytes, generator_fingerprint(templates))
        finally:
            os.close(fd)  # releases the flock
    except (OSError, ValueError):  # anything unreadable: the full path decides and reports
        return None
    return done[1] if done is not None and done == stamped else None


# --- the command line's fast path (generator.entry) -----------------------------------------------

_OPTIONS = ("--spec", "--out", "--templates")


def parse(args: Sequence[str]) -> tuple[str, Path, Path, str | None] | None:
    """(command, spec, out, templates) of ``generate``/``check`` with only ``--spec``, ``--out`` and
    ``--templates`` (each at most once, ``--x V`` or ``--x=V``); None for anything else, which the
    full command line handles (help, other commands, unknown or repeated options)."""
    if not args or args[0] not in ("generate", "check"):
        return None
    given: dict[str, str] = {}
    rest = list(args[1:])
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name not in _OPTIONS or name in given:
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-"):
            return None
        given[name] = value
    spec = Path(given.get("--spec", "schema.yaml"))
    out = Path(given["--out"]) if "--out" in given else spec.parent / "out"
    return args[0], spec, out, given.get("--templates")


def fast_main(args: Sequence[str]) -> int | None:
    """Run ``generate``/``check`` by the stamp when it matches (prints what the full command prints,
    returns the exit code 0); None when the full command line must run."""
    import time

    start = time.perf_counter()
    parsed = parse(args)
    if parsed is None:
        return None
    command, spec, out, templates = parsed
    count = up_to_date(spec, out, templates)
    if count is None:
        return None
    ms = (time.perf_counter() - start) * 1000
    from .console import plain_stream

    if plain_stream(sys.stdout) and not any(c in "[]:\\" or ord(c) < 32 or ord(c) == 127 for c in f"{spec}{out}"):
        if command == "generate":
            sys.stdout.write(f"generated {count} files in {out} (0 changed, 0 removed) in {ms:.0f} ms\n")
        else:
            sys.stdout.write(f"up to date: {out} matches {spec} ({count} files)\n")
    else:  # colours, or a path rich would print differently: print as the full command does (generator/cli.py)
        from rich.console import Console
        from rich.markup import escape

        console = Console(highlight=False, soft_wrap=True)
        if command == "generate":
            console.print(f"[green]generated[/green] {count} files in {escape(str(out))} "
                          f"(0 changed, 0 removed) in {ms:.0f} ms")
        else:
            console.print(f"[green]up to date[/green]: {escape(str(out))} matches {escape(str(spec))} "
                          f"({count} files)")
    sys.stdout.flush()
    return 0
