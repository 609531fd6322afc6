"""A content-hash cache of rendered and validated migration files, under ``out/.schemagen/cache/``.

What it saves: re-rendering (Jinja, one call per operation) and re-validating (pglast) the
migrations the history already fixes, when ``generate``, ``migrate`` or ``check`` runs again after
one table of a large spec changed. It never decides what is correct on its own:

* **Render entries** (a migration, its rollback, ``rollback_all.sql``) are keyed by the SHA-256 of
  everything the file is a function of: the generator's own code and the template files (their
  bytes), the spec's display name (it is in the header), and the history texts of the migrations
  the file is planned from. In history mode a migration's plan is ``plan(state[N-1], state[N])``
  with N's renames, backfills and online flag: all of it in the two history texts, so the key
  proves the plan. Without a history (the first ``generate``) the plans come from the spec model;
  the history texts written are that model's states, so the files rendered from it are what a run
  reading them renders (the same steps: checked on every golden case). They are stored under the
  history's keys once each text is hashed as it is written (generator/pipeline.py), so the first
  ``migrate`` restores the released migrations instead of rendering them again.
* **Validation entries** record that a file parsed: keyed by the hash of the file's text and of the
  function bodies checked with the PL/pgSQL parser, plus the code (and so pglast's version).
* Every entry file holds the SHA-256 of its own body and its key; a truncated, corrupted or
  foreign entry fails that check and is ignored (a miss), never trusted.

The cache is advisory: it is read by every command, written only by the commands that write
``out/`` and only after their all-or-nothing write succeeded (each entry by a rename, so a
crash leaves old or new entries, both hash-checked), and pruned to what the last run used. It is
not in the manifest (``check`` never compares it) and its ``.gitignore`` keeps it out of git.
Output is byte-identical with and without it (``tests/test_cache.py``). The same folder holds
the stamp of :mod:`generator.stamp` (``generate``/``check`` when nothing changed), never pruned.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan.order import Step
    from .render.sql import Segment, SqlFile

CACHE_DIR = ".schemagen/cache"
#: The file names of entries (and of an entry being written): the only files pruned.
_ENTRY = re.compile(r"[0-9a-f]{64}(\.tmp\d+)?\Z")
FORMAT = 1
_MAGIC = f"schemagen-cache {FORMAT}"
#: Set to 1 to run without the cache (benchmarks, debugging): nothing is read or written.
DISABLE_ENV = "SCHEMAGEN_NO_CACHE"


class PartsHash:
    """SHA-256 over length-prefixed parts: no two lists of parts hash alike (the cache's keys and
    ``generator.stamp``'s fingerprints)."""

    def __init__(self, *parts: str | bytes) -> None:
        self._h = hashlib.sha256()
        for part in parts:
            self.add(part)

    def add(self, part: str | bytes) -> None:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        self._h.update(len(data).to_bytes(8, "little"))
        self._h.update(data)

    def add_file(self, path: Path | str, chunk: int = 2**20) -> bool:
        """Add the bytes of the regular file ``path`` as one part, read a megabyte at a time (the
        stamp hashes the 10 MB history of a 1,000-table spec: held whole, it was the run's peak).
        False, having added nothing usable, when it is not a regular file (a symbolic link is
        refused) or changes size while read: the caller then gives up on the whole hash."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return False
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return False
            self._h.update(st.st_size.to_bytes(8, "little"))
            left = st.st_size
            while left > 0:
                data = os.read(fd, min(chunk, left))
                if not data:
                    return False
                self._h.update(data)
                left -= len(data)
            return not os.read(fd, 1)
        except OSError:
            return False
        finally:
            os.close(fd)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def _digest(*parts: str | bytes) -> str:
    return PartsHash(*parts).hexdigest()


def tree_bytes(root: Path, suffixes: tuple[str, ...] | None) -> Iterable[bytes]:
    """Relative path and bytes of every file below ``root`` (sorted; optionally by suffix)."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and (suffixes is None or path.suffix in suffixes):
            yield path.relative_to(root).as_posix().encode()
            yield path.read_bytes()


@lru_cache(maxsize=16)
def tree_digest(root: str, suffixes: tuple[str, ...] | None) -> str:
    """The hash of :func:`tree_bytes` of ``root``, read once per process: the stamp (before and
    after a run) and the cache's fingerprints all hash the package and the templates (each read
    was ≈ 30 ms). The first reading wins: it is the code and the templates this run started with."""
    return _digest(*tree_bytes(Path(root), suffixes))


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the generator's code (every .py file of the package) and of the libraries whose
    output is cached (Jinja renders, pglast validates): a changed generator never reads old entries."""
    from importlib.metadata import version  # the versions without importing them (a refused check may not)

    package = Path(__file__).resolve().parent
    return _digest(_MAGIC, sys.version, version("jinja2"), version("pglast"), tree_digest(str(package), (".py",)))


@lru_cache(maxsize=8)
def templates_fingerprint(user_dir: str | None) -> str:
    """Hash of every template file a render can load: ``user_dir`` (searched first) and ours."""
    from .stamp import builtin_templates

    roots = [Path(user_dir)] if user_dir else []
    roots.append(builtin_templates())
    return _digest(*(part for root in roots for part in (str(root), tree_digest(str(root), None))))


class Cache:
    """Entries of one ``out/`` folder: read on demand, new ones kept in memory until :meth:`save`.

    ``folder`` None (no ``out/``, or the cache disabled) makes every lookup a miss and
    :meth:`save` a no-op.
    """

    def __init__(self, folder: Path | None, *, templates: str | None = None) -> None:
        self.folder = folder
        self.salt = _digest(code_fingerprint(), templates_fingerprint(templates)) if folder is not None else ""
        self.pending: dict[str, bytes | _Later] = {}
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_out(cls, out: str | Path | None, *, templates: str | None = None) -> Cache:
        """The cache of ``out`` (disabled when ``out`` is None or ``$SCHEMAGEN_NO_CACHE`` is set)."""
        if out is None or os.environ.get(DISABLE_ENV):
            return cls(None)
        return cls(Path(out) / CACHE_DIR, templates=templates)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def key(self, *parts: str) -> str:
        """The key of an entry: the hash of ``parts`` with the code and templates fingerprints."""
        return _digest(self.salt, *parts)

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None (a miss: absent, unreadable or failing its hash)."""
        if self.folder is None:
            return None
        self.used.add(key)
        data = self.pending.get(key)
        if isinstance(data, _Later):
            self.hits += 1
            return data.value
        if data is None:
            try:
                data = (self.folder / key).read_bytes()
            except OSError:
                data = None
        value = _decode(data, key) if data is not None else None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: str, value: Any, *, later: bool = False) -> None:
        """Keep ``value`` (JSON-able) under ``key``; written by :meth:`save`. ``later``: encoded
        only when saved, one entry at a time (``value`` must not change meanwhile): the first
        ``generate``'s rendered files are put while ``out/`` is written, the run's peak, where
        their encoded copies were +6 MiB at 1,000 tables."""
        if self.folder is None:
            return
        self.used.add(key)
        self.pending[key] = _Later(value) if later else _encode(key, value)

    def save(self) -> None:
        """Write the new entries and remove those this run did not use. Call only after ``out/``
        was written (under its lock). Best effort: a failure leaves a cache that is only slower.

        Nothing is written when the cache folder is not a real folder inside ``out/`` (a symbolic
        link, e.g. committed by someone else), and only files named like entries are removed."""
        if self.folder is None or not (self.pending or self.folder.is_dir()):
            return
        from .output import _inside

        out = self.folder.parent.parent
        if any(p.is_symlink() for p in (self.folder, self.folder.parent)) or not _inside(out, f"{CACHE_DIR}/x"):
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.is_file():
                ignore.write_text("# schemagen's render cache: local, never committed\n*\n", encoding="utf-8")
            for key, data in self.pending.items():
                tmp = self.folder / f"{key}.tmp{os.getpid()}"
                with open(tmp, "wb") as f:  # a later entry's header and body: not joined in a copy
                    for part in _encoded(key, data.value) if isinstance(data, _Later) else (data,):
                        f.write(part)
                os.replace(tmp, self.folder / key)
            self.pending.clear()
            for path in self.folder.iterdir():
                if _ENTRY.match(path.name) and path.name not in self.used and not path.is_dir():
                    path.unlink()


class _Later:
    """A value :meth:`Cache.put` keeps to encode when it is saved."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


@lru_cache(maxsize=1)
def _orjson() -> Any:
    """orjson, a compiled JSON codec (the spec's blocks, generator/spec/blocks.py, are megabytes of
    entries), imported when an entry is first read or written: the stamp's fast path never does;
    None without it (the stdlib reads and writes the same values)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return None
    return orjson


def _encode(key: str, value: Any) -> bytes:
    return b"".join(_encoded(key, value))


def _encoded(key: str, value: Any) -> tuple[bytes, bytes]:
    """The header and the body of the entry of ``value``."""
    doc = {"key": key, "value": value}
    body = None
    orjson = _orjson()
    if orjson is not None:
        try:  # values hold no floats but the spec blocks' (finite ones only: orjson writes NaN as null)
            body = orjson.dumps(doc)
        except TypeError:  # an integer beyond 64 bits: the stdlib writes it
            body = None
    if body is None:
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return f"{_MAGIC} {hashlib.sha256(body).hexdigest()}\n".encode(), body


def _loads(body: bytes) -> Any:
    orjson = _orjson()
    if orjson is not None:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    return json.loads(body.decode("utf-8"))


def _decode(data: bytes, key: str) -> Any:
    """The value of an entry file, or None unless its header, hash and key all check."""
    head, _, body = data.partition(b"\n")
    if head != f"{_MAGIC} {hashlib.sha256(body).hexdigest()}".encode():
        return None
    try:
        doc = _loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or doc.get("key") != key:
        return None
    return doc.get("value")


def text_digest(text: str) -> str:
    """The SHA-256 of a text (a history file, a rendered file)."""
    return _digest(text)


# --- rendered files (the hook of render/sql.py: render_migrations) --------------------------------


def cached_file(cache: Cache, key: str, ops: dict[tuple[Any, ...], Segment], steps: list[Step],
                render: Callable[[], SqlFile], *, share: bool = True) -> SqlFile:
    """The file stored under ``key``, else ``render()`` (stored for the next run).

    ``steps`` are the file's (op, part) steps in rendering order: a stored segment names its step
    by index, so the restored file's segments hold this run's ops (verify and docs read them). A
    restored file also fills ``ops``, the per-run segment cache of :func:`render_file`, so that
    ``rollback_all.sql`` reuses the rollbacks' SQL instead of rendering it again; ``share`` False
    when no other file of the run renders its ops (a migration: ``rollback_all.sql`` renders the
    inverse ops), which only saves the filling (a step not found there is rendered).
    """
    value = cache.get(key)
    if value is not None:
        restored = _restore(value, steps, ops if share else None)
        if restored is not None:
            return restored
    file = render()
    stored = file_entry(file, steps, ops)
    if stored is not None:
        cache.put(key, stored)
    return file


def file_entry(file: SqlFile, steps: list[Step], ops: dict[tuple[Any, ...], Segment]) -> dict[str, Any] | None:
    """``file`` as an entry: its text and, per segment, its step, title, span in the text, lines, lock
    (None when it is not laid out as ``steps`` and ``ops``, the segments rendered, say).

    ``steps`` are the file's steps as :func:`cached_file` takes them; ``ops`` the per-run segment
    cache the file was rendered with (a step whose SQL is empty has no segment)."""
    from .render.sql import segment_key

    indexes = []
    for i, step in enumerate(steps):
        seg = ops.get(segment_key(*step))
        if seg is not None and seg.sql:
            indexes.append(i)
    if len(indexes) != len(file.segments):
        return None  # not laid out as expected: do not cache what cannot be restored exactly
    for i, seg in zip(indexes, file.segments, strict=True):
        if seg.op.obj is not steps[i][0].obj:
            return None
    return entry_of(file, indexes, len(steps))


def entry_of(file: SqlFile, step_indexes: list[int], step_count: int) -> dict[str, Any]:
    """The entry of ``file``, whose segments were rendered from the steps at ``step_indexes`` of
    its ``step_count`` steps."""
    from .render.sql import segment_forms

    return entry_from_forms(file.name, file.text, segment_forms(file, step_indexes), step_count)


def entry_from_forms(name: str, text: str, forms: Iterable[Sequence[Any]], step_count: int) -> dict[str, Any]:
    """The entry of a file given as its segments' forms (:func:`generator.render.sql.segment_forms`,
    also what the worker sends back: generator/parallel.py)."""
    return {"name": name, "text": text, "steps": step_count, "segments": [list(form) for form in forms]}


def _restore(value: Any, steps: list[Step], ops: dict[tuple[Any, ...], Segment] | None) -> SqlFile | None:
    """The file of an entry (None when the entry does not fit ``steps``: then it is rendered)."""
    from .render.sql import Segment, SqlFile, segment_key

    try:
        name, text, count, rows = value["name"], value["text"], value["steps"], value["segments"]
        if not (isinstance(name, str) and isinstance(text, str) and count == len(steps) and isinstance(rows, list)):
            return None
        segments = []
        last = -1
        for i, title, at, length, first, end, lock in rows:
            if not (isinstance(i, int) and last < i < len(steps) and isinstance(title, str) and isinstance(at, int)
                    and isinstance(length, int) and 0 <= at and at + length <= len(text) and length > 0
                    and isinstance(first, int) and isinstance(end, int) and (lock is None or isinstance(lock, str))):
                return None
            last = i
            op = steps[i][0]
            segments.append(Segment(op, title, text[at:at + length], first, end, lock))
    except (KeyError, TypeError, ValueError):
        return None
    if ops is not None:
        for row, seg in zip(rows, segments, strict=True):
            ops.setdefault(segment_key(*steps[row[0]]), Segment(seg.op, seg.title, seg.sql))
    return SqlFile(name, text, tuple(segments))


# --- validation (the hook of pipeline.py) ---------------------------------------------------------


def validation_key(cache: Cache, file: SqlFile) -> str:
    """The key saying that ``file`` parsed: its text and which segments the PL/pgSQL parser checks."""
    from .validate import plpgsql_segments

    checked = ",".join(str(i) for i, _seg in plpgsql_segments(file))
    return cache.key("valid", text_digest(file.text), checked)


def unvalidated(cache: Cache, files: list[SqlFile]) -> list[SqlFile]:
    """The files no earlier run validated with this code (all of them without a cache)."""
    if not cache.enabled:
        return files
    return [f for f in files if cache.get(validation_key(cache, f)) is not True]


def validated(cache: Cache, files: list[SqlFile]) -> None:
    """Record that ``files`` parsed (call only when validation found no problem)."""
    for f in files:
        if cache.enabled:
            cache.put(validation_key(cache, f), True)
