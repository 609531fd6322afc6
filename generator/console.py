"""The commands' console: rich's, imported only for the lines it would print otherwise than plain.

rich (~20 ms of imports and set-up, paid by every command that prints) writes a line of our markup
as plain text when its stream is not a terminal and no colour is forced, as long as the line holds
nothing rich reads specially: only the style tags come out. Such lines (CI, hooks, scripts, pipes)
are written here directly. Every other line — a terminal, ``FORCE_COLOR``, or text with ``[``,
``]``, ``\\``, something like an emoji code (``:name:``), a tab or a control character — goes
through rich's ``Console(highlight=False, soft_wrap=True)`` exactly as before. The stamp's fast path
(:func:`generator.stamp.fast_main`) follows the same rule. ``tests/test_console.py`` compares both
ways on hostile text.
"""

from __future__ import annotations

import os
import re
import sys
from typing import IO, Any

#: The style tags of our messages (and rich's ``[/]``), removed from a line written as plain text.
_TAGS = re.compile(r"\[/?(?:green|cyan|yellow|red|dim)?\]")
#: Text rich changes whatever the markup: control characters are removed, tabs expanded.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
#: Left in a markup line once our tags are removed: rich's markup (another tag, an escape) or an
#: emoji code, which rich reads (``print`` replaces ``:smile:``; ``out`` does not).
_MARKUP = re.compile(r"[\[\]\\]|:\S*?:")


def escape(text: str) -> str:
    """``rich.markup.escape``: user text put into a markup line is printed as written. Text with
    no ``[`` and no ``\\`` is left as it is by rich's, so rich is not imported for it."""
    if "[" not in text and "\\" not in text:
        return text
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def plain_stream(stream: IO[str]) -> bool:
    """True when rich would write to ``stream`` without colours: not a terminal, no colour forced
    (also the stamp's fast path: :func:`generator.stamp.fast_main`)."""
    if any(os.environ.get(v) for v in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")):
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):
        return False


class Console:
    """What the commands use of rich's ``Console(highlight=False, soft_wrap=True)``: ``print``
    (a line of markup) and ``out`` (text as it is), on stdout or stderr."""

    def __init__(self, *, stderr: bool = False) -> None:
        self.stderr = stderr
        self._rich: Any = None

    @property
    def file(self) -> IO[str]:
        """The stream, looked up at each write (as rich does: tests replace ``sys.stdout``)."""
        return sys.stderr if self.stderr else sys.stdout

    def print(self, markup: Any) -> None:
        """rich's ``Console.print`` of one renderable (here: a line of markup)."""
        if isinstance(markup, str) and self._plain():
            text = _TAGS.sub("", markup)
            if not _MARKUP.search(text) and not _CONTROL.search(text):
                self._write(text)
                return
        self.rich().print(markup)

    def out(self, text: str) -> None:
        """rich's ``Console.out``: the text as it is, no markup and no emoji codes."""
        if self._plain() and not _CONTROL.search(text):
            self._write(text)
            return
        self.rich().out(text)

    def rich(self) -> Any:
        """rich's console (made on first use)."""
        if self._rich is None:
            from rich.console import Console as RichConsole

            self._rich = RichConsole(stderr=self.stderr, highlight=False, soft_wrap=True)
        return self._rich

    def _plain(self) -> bool:
        return plain_stream(self.file)

    def _write(self, text: str) -> None:
        stream = self.file
        stream.write(text + "\n")
        stream.flush()  # as rich does after each line: stdout and stderr keep their order
