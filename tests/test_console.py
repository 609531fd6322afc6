"""generator.console writes exactly what rich's Console writes, and does without rich for plain lines."""

from __future__ import annotations

import io

import pytest
import rich.console
import rich.markup

from generator.console import Console, escape

#: User text as it reaches a message: names, paths, SQL; hostile for markup, emoji codes and terminals.
TEXTS = ["out", "my out/dir", "a[b]c", "[green]x[/green]", "[bold]", "back\\slash", "ends\\", "\\[x]", ":smile:",
         "a:b:c", "12:30:00", "C:\\path", "tab\there", "cr\rhere", "esc\x1b[31mred", "bell\x07", "nul\x00",
         "del\x7f", "é日本🚀", "trailing  ", "", "multi\nline", "[/]", "[x", "x]", "[/green]", "[@click]", "[#fff]"]
#: Lines of markup as the commands build them (generator/cli.py, generator/pull/cli.py).
LINES = [
    "[green]generated[/green] 3 files in {} (1 changed, 0 removed) in 5 ms",
    "  [cyan]wrote[/cyan]   {}",
    "  [yellow]removed[/yellow] {}",
    "[red]stale[/red]   {} (generated earlier, no longer produced)",
    "[green]up to date[/green]: {} matches schema.yaml (5 files)",
    "[red]1 error[/] in {}",
    "  [dim]hint: {}[/dim]",
    "{}",
]
ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR", "COLUMNS")


def _ours(method: str, text: str, monkeypatch: pytest.MonkeyPatch, *, stderr: bool = False) -> tuple[str, bool]:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr" if stderr else "sys.stdout", stream)
    console = Console(stderr=stderr)
    getattr(console, method)(text)
    return stream.getvalue(), console._rich is None


def _rich(method: str, text: str) -> str:
    stream = io.StringIO()
    getattr(rich.console.Console(file=stream, highlight=False, soft_wrap=True), method)(text)
    return stream.getvalue()


@pytest.fixture(autouse=True)
def _no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("text", TEXTS)
def test_escape_is_rich_s(text: str) -> None:
    assert escape(text) == rich.markup.escape(text)


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("text", TEXTS)
def test_print_writes_what_rich_writes(line: str, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    markup = line.format(escape(text))
    written, plain = _ours("print", markup, monkeypatch)
    assert written == _rich("print", markup)
    ordinary = all(c.isalnum() or c in " /é日本🚀" for c in text)
    if ordinary:  # no special character: written without rich
        assert plain


@pytest.mark.parametrize("text", TEXTS + [f"error: schema.yaml:3:7: {t}" for t in TEXTS])
def test_out_writes_what_rich_writes(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    written, plain = _ours("out", text, monkeypatch, stderr=True)
    assert written == _rich("out", text)
    assert plain == (not any(ord(c) < 32 and c != "\n" or ord(c) == 127 for c in text))


def test_plain_lines_do_not_import_rich_s_console(monkeypatch: pytest.MonkeyPatch) -> None:
    written, plain = _ours("print", "[green]up to date[/green]: out matches schema.yaml (5 files)", monkeypatch)
    assert (written, plain) == ("up to date: out matches schema.yaml (5 files)\n", True)


@pytest.mark.parametrize("env", ["FORCE_COLOR", "TTY_COMPATIBLE"])
def test_forced_colour_goes_through_rich(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env, "1")
    markup = "[green]generated[/green] 3 files in out"
    written, plain = _ours("print", markup, monkeypatch)
    assert not plain and "\x1b[" in written
    assert written == _rich("print", markup)
