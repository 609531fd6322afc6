"""``schemagen lint``: print every finding; exit 0 when clean, 1 on unwaived errors, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..console import Console, escape  # rich, imported only for the lines that need it
from ..errors import SchemagenError, SpecError
from ..ir import build
from ..spec import load_spec
from .engine import RULES, Finding, blocking, run_lint

_STYLE = {"error": "red", "warning": "yellow"}


def _line(f: Finding) -> str:
    style = "dim" if f.waived else _STYLE[f.severity]
    text = f"{escape(str(f.pos))}: [{style}]{escape(f'{f.severity}[{f.rule}]')}[/{style}] " \
           f"{escape(str(f.object))}: {escape(f.message)}"
    if f.waived:
        text += f" [dim](waived: {escape(f.waived)})[/dim]"
    elif f.hint:
        text += f"\n    [dim]hint: {escape(f.hint)}[/dim]"
    return text


def lint_command(spec: Path, *, show_waived: bool = False, as_json: bool = False,
                 list_rules: bool = False) -> None:
    """Load and build SPEC, run every rule, print findings; raise typer.Exit with the exit code.

    Lint reads the model only, so unlike the rendering commands it takes no templates folder."""
    out = Console()
    err = Console(stderr=True)
    if list_rules:
        for r in RULES.values():
            out.print(f"{r.name:<48} {r.severity:<8} {escape(r.summary)}")
        raise typer.Exit(0)
    try:
        loaded = load_spec(spec, display=str(spec))
        findings = run_lint(build(loaded, lint_rules=RULES), loaded)
    except SchemagenError as exc:
        problems = exc.problems if isinstance(exc, SpecError) else [exc]
        for p in problems:
            err.out(f"error: {p}")
        raise typer.Exit(exc.exit_code) from None
    errors = blocking(findings)
    if as_json:
        rows = [{"rule": f.rule, "severity": f.severity, "file": f.pos.file, "line": f.pos.line,
                 "col": f.pos.col, "object": str(f.object), "message": f.message, "hint": f.hint,
                 "waived": f.waived} for f in findings]
        out.out(json.dumps({"ok": not errors, "findings": rows}, indent=2))
        raise typer.Exit(1 if errors else 0)
    shown = [f for f in findings if show_waived or not f.waived]
    for f in shown:
        out.print(_line(f))
    warnings = sum(1 for f in findings if f.severity == "warning" and not f.waived)
    waived = sum(1 for f in findings if f.waived)
    summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if waived:
        summary += f", {waived} waived" + ("" if show_waived else " (--waived shows them)")
    out.print(f"[{'red' if errors else 'green'}]{summary}[/] in {escape(str(spec))}")
    raise typer.Exit(1 if errors else 0)
