"""Command line: thin — parses options, calls the stages, maps errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import SchemagenError, SpecError
from .history import load_history
from .output import compare_out, write_out
from .pipeline import generate as run_pipeline

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Schema-as-code for Postgres/Supabase: schema.yaml → migrations, rollbacks, types, docs.")
out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

SpecOpt = Annotated[Path, typer.Option("--spec", help="The spec file.")]
OutOpt = Annotated[Path, typer.Option("--out", help="The output folder.")]
TemplatesOpt = Annotated[
    Path | None, typer.Option("--templates", help="A folder of templates searched before the built-in ones.")
]


def fail(exc: SchemagenError) -> None:
    """Print a user-facing error (never a traceback) and exit with its code."""
    if isinstance(exc, SpecError):
        n = len(exc.problems)
        for p in exc.problems:
            err_console.out(f"error: {p}")
        err_console.out(f"{n} problem{'s' if n != 1 else ''} in the spec; nothing was written.")
    else:
        err_console.out(f"error: {exc}")
    raise typer.Exit(exc.exit_code)


@app.command()
def generate(spec: SpecOpt = Path("schema.yaml"), out: OutOpt = Path("out"),
             templates: TemplatesOpt = None) -> None:
    """Generate every file of OUT from SPEC (all files or none)."""
    try:
        result = run_pipeline(spec, templates=str(templates) if templates else None, history=load_history(out))
        changed, removed = write_out(out, result.files)
    except SchemagenError as exc:
        fail(exc)
        return
    total = sum(result.timings.values())
    out_console.print(f"[green]generated[/green] {len(result.files)} files in {out} "
                      f"({len(changed)} changed, {len(removed)} removed) in {total * 1000:.0f} ms")
    for name in changed:
        out_console.print(f"  [cyan]wrote[/cyan]   {name}")
    for name in removed:
        out_console.print(f"  [yellow]removed[/yellow] {name}")


@app.command()
def check(spec: SpecOpt = Path("schema.yaml"), out: OutOpt = Path("out"),
          templates: TemplatesOpt = None) -> None:
    """Exit 1 with a unified diff when OUT differs from what SPEC generates (the CI drift check)."""
    try:
        result = run_pipeline(spec, templates=str(templates) if templates else None, history=load_history(out))
    except SchemagenError as exc:
        fail(exc)
        return
    drift = compare_out(out, result.files)
    if not drift:
        out_console.print(f"[green]up to date[/green]: {out} matches {spec} ({len(result.files)} files)")
        return
    for _name, diff in drift.changed:
        sys.stdout.write(diff)
    for name in drift.missing:
        out_console.print(f"[red]missing[/red] {out / name}")
    for name in drift.stale:
        out_console.print(f"[red]stale[/red]   {out / name} (generated earlier, no longer produced)")
    err_console.out(f"{out} is out of date with {spec}: run `schemagen generate` and commit the result.")
    raise typer.Exit(1)


@app.command()
def validate(spec: SpecOpt = Path("schema.yaml"), templates: TemplatesOpt = None) -> None:
    """Load, build and render SPEC and parse every statement, writing nothing."""
    try:
        result = run_pipeline(spec, templates=str(templates) if templates else None)
    except SchemagenError as exc:
        fail(exc)
        return
    statements = sum(f.text.count(";") for f in result.sql_files)
    out_console.print(f"[green]valid[/green]: {len(result.model.objects)} objects, {len(result.files)} files, "
                      f"~{statements} statements parsed")


@app.command()
def verify(
    spec: SpecOpt = Path("schema.yaml"),
    dsn: Annotated[str | None, typer.Option(
        "--dsn", envvar="SCHEMAGEN_DSN", show_envvar=True,
        help="A running server to create the throw-away database in (default: start one).")] = None,
    pg_bin: Annotated[str | None, typer.Option(
        "--pg-bin", envvar="SCHEMAGEN_PG_BIN", show_envvar=True,
        help="A folder with initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.")] = None,
    keep: Annotated[bool, typer.Option(
        "--keep", help="Keep the database (and server) and print how to connect.")] = False,
    templates: TemplatesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print only a JSON report on stdout.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="The output folder whose migration history is verified (default: out/ beside SPEC).")] = None,
) -> None:
    """Apply, roll back and re-apply every migration on a fresh database; exit 1 if any catalog differs."""
    import json

    from .verify.report import StepResult
    from .verify.run import verify_spec

    def show(step: StepResult) -> None:
        out_console.print(step.line())

    try:
        report = verify_spec(spec, dsn=dsn, pg_bin=pg_bin, keep=keep, out=out or spec.parent / "out",
                             templates=str(templates) if templates else None,
                             progress=None if as_json else show)
    except SchemagenError as exc:
        if as_json:
            error = {"ok": False, "error": str(exc), "exit_code": exc.exit_code}
            sys.stdout.write(json.dumps(error, indent=2) + "\n")
        fail(exc)
        return
    if as_json:
        sys.stdout.write(report.to_json() + "\n")
    else:
        out_console.print(report.summary())
        if report.kept:
            out_console.out(report.kept)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def lint(
    spec: SpecOpt = Path("schema.yaml"),
    waived: Annotated[bool, typer.Option("--waived", help="Also show waived findings and their reasons.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    rules: Annotated[bool, typer.Option("--rules", help="List the rules and their severities.")] = False,
) -> None:
    """Check SPEC against the security and performance rules; exit 1 on errors that are not waived."""
    from .lint.cli import lint_command

    lint_command(spec, show_waived=waived, as_json=as_json, list_rules=rules)


@app.command()
def migrate(
    name: Annotated[str, typer.Option("--name", help="The migration's name: NNN_NAME.sql, rollback_NNN_NAME.sql.")],
    spec: SpecOpt = Path("schema.yaml"),
    out: OutOpt = Path("out"),
    templates: TemplatesOpt = None,
    allow_destructive: Annotated[bool, typer.Option(
        "--allow-destructive", help="Write a migration that can lose data (dropped tables or columns, narrowed "
                                    "types, dropped enum values, NOT NULL without a default).")] = False,
    description: Annotated[str | None, typer.Option("--description", help="Text for the file header.")] = None,
) -> None:
    """Write the next migration and its rollback for SPEC's changes since the last migration in OUT."""
    from .migrate import migrate as run_migrate

    try:
        done = run_migrate(spec, out, name, description=description, allow_destructive=allow_destructive,
                           templates=str(templates) if templates else None)
    except SchemagenError as exc:
        fail(exc)
        return
    up, down = done.files
    out_console.print(f"[green]migration {done.entry.info.tag}[/green]: {len(done.plan.ops)} operations, "
                      f"planned in {done.timings['plan'] * 1000:.0f} ms")
    for op in done.plan.ops:
        out_console.print(f"  {op}")
    for loss in (loss for _op, loss in done.plan.destructive()):
        out_console.print(f"  [yellow]loses data[/yellow]: {loss}")
    out_console.print(f"[cyan]wrote[/cyan] {out / up}, {out / down} and {len(done.changed) - 2} other files")


# --- pull and diff (issue 16): commands live in generator/pull/cli.py -----------------------------
from .pull.cli import register as _register_pull  # noqa: E402

_register_pull(app, fail, out_console, err_console)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
