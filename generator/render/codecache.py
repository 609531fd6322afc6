"""Compiled templates kept between runs (Jinja's bytecode cache, keyed by content).

Compiling the ~20 templates a generate loads (lexing, parsing, code generation, ``compile``) took
~0.1 s of every run, as much as rendering 2,000 operations. Jinja can keep the compiled code: each
template's code is stored under the user's cache folder (``$XDG_CACHE_HOME/schemagen/templates``,
else ``~/.cache/schemagen/templates``), in a file named by the template's name and path and by
what the code depends on besides the source (Jinja's and Python's versions, the environment's
options); the file starts with the SHA-256 of the template's source, and is used only when that
matches the source read now. The cache is advisory: a missing, unreadable, damaged or foreign
file is compiled again, a folder that cannot be written is not used, and ``$SCHEMAGEN_NO_CACHE``
turns it off. Output never depends on it (the code is what compiling the same source gives).

Trust: the files hold Python code objects (``marshal``), as ``__pycache__`` does; the folder is the
user's own, as Python's bytecode folder is.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from ..cache import DISABLE_ENV

_MAGIC = b"schemagen-template-code-1\n"


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/schemagen/templates`` (``~/.cache/...`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "schemagen" / "templates"


class TemplateCodeCache(jinja2.BytecodeCache):
    """Jinja bytecode cache in ``folder``; ``salt`` names what the code depends on beyond its source."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename}".encode()).hexdigest()

    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha256(source.encode("utf-8")).hexdigest()

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.code"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Put the stored code in ``bucket`` when its header names this source; else leave it empty."""
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        header = _MAGIC + bucket.checksum.encode() + b"\n"
        if not data.startswith(header):
            return
        try:
            code = marshal.loads(data[len(header):])
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(code, type(compile("", "", "exec"))):
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Store the code of ``bucket`` (atomically: a reader never sees half a file); skipped
        silently when the folder cannot be written."""
        import tempfile  # only when a template was compiled

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".code")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(_MAGIC + bucket.checksum.encode() + b"\n")
                    marshal.dump(bucket.code, f)
                os.replace(tmp, self._path(bucket))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)  # no partial file left behind
                raise
        except OSError:
            pass


def code_cache(options: dict[str, Any]) -> TemplateCodeCache | None:
    """The cache for an environment built with ``options`` (None when ``$SCHEMAGEN_NO_CACHE`` is set)."""
    if os.environ.get(DISABLE_ENV):
        return None
    salt = repr((jinja2.__version__, sys.version, sorted((k, repr(v)) for k, v in options.items())))
    return TemplateCodeCache(cache_folder(), salt)
