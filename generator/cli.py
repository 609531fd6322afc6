"""Command line: thin — parses options, calls the stages, maps errors to exit codes.

Exit codes, the same for every command (README, "Commands"):

* 0  ok
* 1  the check failed: out/ is stale, a change was refused, lint errors, a verify step failed
* 2  bad input: the spec (located ``file:line:col``) or a template
* 3  ``verify`` only: no Postgres could be started or reached
* 64 usage error: unknown option, missing or malformed argument (``EX_USAGE`` of sysexits.h)
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.core

from .cache import Cache
from .console import Console, escape  # rich, imported only for the lines that need it
from .errors import SchemagenError, SpecError
from .stamp import SpecRead, write_stamp

# The stages (pydantic, the ir, Jinja, pglast: most of a command's start-up) are imported by the
# commands that run them, so that `--help`, `lint`, `init`, `schema`, `pull`... do not pay for them.

EXIT_OK, EXIT_FAILED, EXIT_BAD_SPEC, EXIT_NO_POSTGRES, EXIT_USAGE = 0, 1, 2, 3, 64

# click's UsageError (typer vendors click in recent releases, so it is found through a public name)
UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class _PlainFlags:
    """``--help`` without typer's ``<bool>``/``<path>`` placeholders: boolean flags take no value
    and show none; other options and arguments show their metavar (FILE, DIR, NAME)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]  # mixin: the click command follows in the MRO
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            elif param.param_type_name == "argument" and hasattr(param, "display_type_rich"):
                param.display_type_rich = lambda ctx: None  # its metavar already names the value
        return params


class _Command(_PlainFlags, typer.core.TyperCommand):
    """A schemagen command (see :class:`_PlainFlags`)."""


class _Group(_PlainFlags, typer.core.TyperGroup):
    """The ``schemagen`` group (see :class:`_PlainFlags`)."""


app = typer.Typer(cls=_Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Schema-as-code for Postgres/Supabase: schema.yaml → migrations, rollbacks, types, docs.\n\n"
                       "Exit codes: 0 ok; 1 a check failed (out/ stale, change refused, lint errors, a verify "
                       "step failed); 2 bad spec; 3 no Postgres (verify); 64 usage error.")
out_console = Console()
err_console = Console(stderr=True)

SpecOpt = Annotated[Path, typer.Option("--spec", metavar="FILE", help="The spec file.")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", metavar="DIR", show_default=False,
    help="The output folder (default: out/ beside the spec).")]
TemplatesOpt = Annotated[Path | None, typer.Option(
    "--templates", metavar="DIR", help="A folder of templates searched before the built-in ones.")]


_F = TypeVar("_F", bound=Callable[..., Any])


def _command(**kwargs: Any) -> Callable[[_F], _F]:
    """``app.command`` with the flag-aware help of :class:`_Command`."""
    return app.command(cls=_Command, **kwargs)


_WHOLE_PROCESS = False  # set by main() when the command is the whole process (the console script)


def _collector_off_until_exit() -> None:
    """Turn the cyclic garbage collector off for the rest of a command that is the whole process.

    A pipeline run leaves millions of long-lived objects that hold no cycles; once the pipeline
    turned the collector back on, its first collections walked them all to free nothing (~0.3 s of
    CPU at 1,000 tables), just before the process ended. Only under :func:`main` as the console
    script: a caller that imports the CLI (tests) keeps its collector.
    """
    if _WHOLE_PROCESS:
        gc.disable()


def out_dir(spec: Path, out: Path | None) -> Path:
    """The output folder: ``--out`` when given, else ``out/`` beside the spec (for every command)."""
    return out if out is not None else spec.parent / "out"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~30 ms of imports: only for --version

    try:
        return version("schemagen")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        out_console.out(f"schemagen {_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(version_: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    """Options of ``schemagen`` itself (``--version``)."""


def fail(exc: SchemagenError) -> None:
    """Print a user-facing error (never a traceback) and exit with its code.

    ``Console.out`` writes the text as it is: user text (names, paths) is never read as rich markup."""
    if isinstance(exc, SpecError):
        n = len(exc.problems)
        for p in exc.problems:
            err_console.out(f"error: {p}")
        err_console.out(f"{n} problem{'s' if n != 1 else ''} in the spec; nothing was written.")
    else:
        err_console.out(f"error: {exc}")
    raise typer.Exit(exc.exit_code)


def notes(lines: list[str]) -> None:
    """Say what the recovery of an interrupted write did (stderr)."""
    for line in lines:
        err_console.out(f"note: {line}")


@_command()
def generate(spec: SpecOpt = Path("schema.yaml"), out: OutOpt = None,
             templates: TemplatesOpt = None) -> None:
    """Generate every file of OUT from SPEC (all files or none)."""
    from .history import load_history
    from .output import locked_out, write_out
    from .pipeline import generate as run_pipeline

    _collector_off_until_exit()
    out = out_dir(spec, out)
    try:
        with locked_out(out) as recovered:  # from reading the history to the end of the write
            notes(recovered)
            tpl = str(templates) if templates else None
            read = SpecRead(spec)  # the spec as this run reads it: the stamp needs it unchanged after
            cache = Cache.for_out(out, templates=tpl)  # advisory, hash-checked: generator/cache.py
            result = run_pipeline(spec, templates=tpl, history=load_history(out, cache), cache=cache)
            changed, removed = write_out(out, result.files)
            cache.save()  # only after out/ was written
            write_stamp(spec, out, tpl, read)  # the next generate/check of the same inputs: generator/stamp.py
    except SchemagenError as exc:
        fail(exc)
        return
    total = sum(result.timings.values())
    out_console.print(f"[green]generated[/green] {len(result.files)} files in {escape(str(out))} "
                      f"({len(changed)} changed, {len(removed)} removed) in {total * 1000:.0f} ms")
    for name in changed:
        out_console.print(f"  [cyan]wrote[/cyan]   {escape(name)}")
    for name in removed:
        out_console.print(f"  [yellow]removed[/yellow] {escape(name)}")


@_command()
def check(spec: SpecOpt = Path("schema.yaml"), out: OutOpt = None,
          templates: TemplatesOpt = None) -> None:
    """Exit 1 with a unified diff when OUT differs from what SPEC generates (the CI drift check)."""
    from .history import load_history
    from .output import compare_out, locked_out
    from .pipeline import generate as run_pipeline

    _collector_off_until_exit()
    out = out_dir(spec, out)
    try:
        with locked_out(out, create=False) as recovered:  # finishes an interrupted write first
            notes(recovered)
            tpl = str(templates) if templates else None
            cache = Cache.for_out(out, templates=tpl)  # read, never written by check
            result = run_pipeline(spec, templates=tpl, history=load_history(out, cache), cache=cache)
            drift = compare_out(out, result.files)
    except SchemagenError as exc:
        fail(exc)
        return
    if not drift:
        out_console.print(f"[green]up to date[/green]: {escape(str(out))} matches {escape(str(spec))} "
                          f"({len(result.files)} files)")
        return
    for _name, diff in drift.changed:
        sys.stdout.write(diff)
    for name in drift.missing:
        out_console.print(f"[red]missing[/red] {escape(str(out / name))}")
    for name in drift.stale:
        out_console.print(f"[red]stale[/red]   {escape(str(out / name))} (generated earlier, no longer produced)")
    err_console.out(f"{out} is out of date with {spec}: run `schemagen generate` and commit the result.")
    raise typer.Exit(1)


@_command()
def validate(spec: SpecOpt = Path("schema.yaml"), templates: TemplatesOpt = None) -> None:
    """Load, build and render SPEC and parse every statement, writing nothing."""
    from .pipeline import generate as run_pipeline

    _collector_off_until_exit()
    try:
        result = run_pipeline(spec, templates=str(templates) if templates else None)
    except SchemagenError as exc:
        fail(exc)
        return
    statements = sum(f.text.count(";") for f in result.sql_files)
    out_console.print(f"[green]valid[/green]: {len(result.model.objects)} objects, {len(result.files)} files, "
                      f"~{statements} statements parsed")


@_command()
def verify(
    spec: SpecOpt = Path("schema.yaml"),
    dsn: Annotated[str | None, typer.Option(
        "--dsn", metavar="DSN", envvar="SCHEMAGEN_DSN", show_envvar=True,
        help="A running server to create the throw-away database in (default: start one).")] = None,
    pg_bin: Annotated[str | None, typer.Option(
        "--pg-bin", metavar="DIR", envvar="SCHEMAGEN_PG_BIN", show_envvar=True,
        help="A folder with initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin.")] = None,
    keep: Annotated[bool, typer.Option(
        "--keep", help="Keep the database (and server) and print how to connect.")] = False,
    templates: TemplatesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print only a JSON report on stdout.")] = False,
    out: OutOpt = None,
) -> None:
    """Apply, roll back and re-apply every migration on a fresh database; exit 1 if any catalog differs."""
    import json

    from .pipeline import generate_current
    from .verify.report import StepResult
    from .verify.run import verify_spec

    def show(step: StepResult) -> None:
        out_console.print(step.line())

    try:
        folder = out_dir(spec, out)
        report = verify_spec(spec, lambda: generate_current(spec, folder, templates=str(templates) if templates
                                                            else None),
                             dsn=dsn, pg_bin=pg_bin, keep=keep, progress=None if as_json else show)
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


@_command()
def lint(
    spec: SpecOpt = Path("schema.yaml"),
    waived: Annotated[bool, typer.Option("--waived", help="Also show waived findings and their reasons.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    rules: Annotated[bool, typer.Option("--rules", help="List the rules and their severities.")] = False,
) -> None:
    """Check SPEC against the security and performance rules; exit 1 on errors that are not waived."""
    from .lint.cli import lint_command

    lint_command(spec, show_waived=waived, as_json=as_json, list_rules=rules)


@_command()
def migrate(
    name: Annotated[str, typer.Option(
        "--name", metavar="NAME", help="The migration's name: NNN_NAME.sql, rollback_NNN_NAME.sql.")],
    spec: SpecOpt = Path("schema.yaml"),
    out: OutOpt = None,
    templates: TemplatesOpt = None,
    allow_destructive: Annotated[bool, typer.Option(
        "--allow-destructive", help="Write a migration that can lose data (dropped tables or columns, narrowed "
                                    "types, dropped enum values, NOT NULL without a default).")] = False,
    description: Annotated[str | None, typer.Option(
        "--description", metavar="TEXT", help="Text for the file header.")] = None,
) -> None:
    """Write the next migration and its rollback for SPEC's changes since the last migration in OUT."""
    from .migrate import migrate as run_migrate
    from .output import locked_out

    _collector_off_until_exit()
    out = out_dir(spec, out)
    try:
        with locked_out(out) as recovered:  # re-entrant: run_migrate holds the same lock
            notes(recovered)
            done = run_migrate(spec, out, name, description=description, allow_destructive=allow_destructive,
                               templates=str(templates) if templates else None)
    except SchemagenError as exc:
        fail(exc)
        return
    up, down = done.files
    out_console.print(f"[green]migration {done.entry.info.tag}[/green]: {len(done.plan.ops)} operations, "
                      f"planned in {done.timings['plan'] * 1000:.0f} ms")
    for op in done.plan.ops:
        out_console.print(f"  {escape(str(op))}")
    for loss in (loss for _op, loss in done.plan.destructive()):
        out_console.print(f"  [yellow]loses data[/yellow]: {escape(loss)}")
    out_console.print(f"[cyan]wrote[/cyan] {escape(str(out / up))}, {escape(str(out / down))} and "
                      f"{len(done.changed) - 2} other files")


@_command()
def init(
    folder: Annotated[Path, typer.Argument(
        metavar="DIR", help="The project folder (created when missing).")] = Path("."),
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite an existing schema.yaml and the other files.")] = False,
    name: Annotated[str | None, typer.Option(
        "--name", metavar="NAME", help="Project name (default: the folder's name).")] = None,
) -> None:
    """Start a project in DIR: a commented schema.yaml with policy tests, its JSON Schema, CI and pre-commit."""
    from .init import init_project

    try:
        done = init_project(folder, force=force, name=name)
    except SchemagenError as exc:
        fail(exc)
        return
    for rel in done.written:
        out_console.print(f"  [cyan]wrote[/cyan] {folder / rel}")
    for rel in done.kept:
        out_console.print(f"  [yellow]kept[/yellow]  {folder / rel} (exists; --force overwrites it)")
    spec = "" if folder == Path(".") else f" --spec {folder / 'schema.yaml'}"
    out_console.out(f"Next: schemagen generate{spec} && schemagen verify{spec}")


@_command()
def schema() -> None:
    """Print the JSON Schema of schema.yaml (for editors: see the README, "Editor support")."""
    from .spec.jsonschema import spec_json_schema_text

    sys.stdout.write(spec_json_schema_text())


# --- pull and diff (issue 16): commands live in generator/pull/cli.py -----------------------------
from .pull.cli import register as _register_pull  # noqa: E402

_register_pull(_command, fail, out_console, err_console, out_dir)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: runs a command and exits with the code documented above.

    click would exit 2 on a usage error, the code of a bad spec; usage errors exit 64 instead.

    As the console script (no ``argv``), the command is the whole process: it ends with
    ``os._exit`` once its output is flushed, without freeing the objects of the run one by one
    (a tenth of a second per 1,000 tables that nobody waits for; mypy's ``hard_exit`` does the same).
    """
    global _WHOLE_PROCESS
    _WHOLE_PROCESS = argv is None
    try:
        code = app(args=list(argv) if argv is not None else None, prog_name="schemagen", standalone_mode=False)
    except UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `schemagen` alone: the help (already printed by rich)
            if str(exc).strip():
                out_console.out(str(exc))
            sys.exit(EXIT_OK)
        _show_usage_error(exc)
        sys.exit(EXIT_USAGE)
    except typer.Abort:
        err_console.out("Aborted.")
        sys.exit(130)
    _exit(code if isinstance(code, int) else EXIT_OK)


def _exit(code: int) -> None:
    """Exit with ``code``: at once when the command is the whole process (see :func:`main`) and
    nothing else waits for the end of it (a profiler or tracer such as ``python -m cProfile`` or
    coverage, an ``atexit`` handler: multiprocessing's after parallel validation)."""
    if _WHOLE_PROCESS and sys.getprofile() is None and sys.gettrace() is None and \
            getattr(atexit, "_ncallbacks", lambda: 1)() == 0:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _show_usage_error(exc: Exception) -> None:
    """click's usage message (rich-formatted as typer would), then the exit code is EX_USAGE."""
    try:
        from typer import rich_utils

        rich_utils.rich_format_error(exc)  # type: ignore[arg-type]  # exc is click's UsageError, found at run time
    except (ImportError, AttributeError):
        exc.show()  # type: ignore[attr-defined]  # click's UsageError has show()


if __name__ == "__main__":
    main()
