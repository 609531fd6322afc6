"""The ``pull`` and ``diff`` commands, registered on the main Typer app (kept thin, like cli.py)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import SchemagenError

NAME = re.compile(r"[a-z0-9][a-z0-9_]*\Z")


_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def register(command: Callable[..., _Decorator], fail: Callable[[SchemagenError], None], out_console: Any,
             err_console: Any, out_dir: Callable[[Path, Path | None], Path]) -> None:
    """Add ``schemagen pull`` and ``schemagen diff`` with ``command`` (the app's command decorator)."""

    @command()
    def pull(
        dsn: Annotated[str | None, typer.Option("--dsn", metavar="DSN", help="The database to read (with --sql: "
                                                "the server to create the throw-away database in).")] = None,
        spec: Annotated[Path, typer.Option("--spec", metavar="PATH", help="The spec file to write.")] = Path(
            "schema.yaml"),
        out: Annotated[Path | None, typer.Option(
            "--out", metavar="DIR", help="The output folder to generate (default: out/ beside the spec).")] = None,
        schema: Annotated[list[str] | None, typer.Option(
            "--schema", metavar="NAME", help="A schema to pull (repeatable; default: every non-system schema, "
                                             "Supabase's own left out).")] = None,
        name: Annotated[str, typer.Option("--name", metavar="NAME", help="The name of the pulled migration.")
                        ] = "baseline",
        skip_unsupported: Annotated[bool, typer.Option(
            "--skip-unsupported", help="Write the rest when some objects cannot be represented; they are listed "
                                       "at the top of the spec.")] = False,
        sql: Annotated[list[Path] | None, typer.Option(
            "--sql", metavar="FILE", help="SQL files applied in order to a throw-away database, which is then "
                                          "pulled.")] = None,
        plain: Annotated[bool, typer.Option(
            "--plain", help="With --sql: do not install the Supabase stand-in first.")] = False,
        pg_bin: Annotated[str | None, typer.Option(
            "--pg-bin", metavar="DIR", envvar="SCHEMAGEN_PG_BIN", help="With --sql: a folder with initdb and "
                                                                         "pg_ctl.")] = None,
    ) -> None:
        """Read a live database (or SQL files) into SPEC as migration 001, then generate OUT. Exit 4 lists
        objects the spec cannot represent."""
        from ..pull import pull as run_pull
        from ..pull import pull_sql

        out = out_dir(spec, out)
        usage = None
        if not dsn and not sql:
            usage = "give --dsn (a database to read) or --sql FILE (files to apply to a throw-away one)"
        elif plain and not sql:
            usage = "--plain only applies with --sql"
        elif not NAME.match(name):
            usage = f"migration name {name!r} must be lower case letters, digits and _"
        if usage:
            err_console.out(f"error: {usage}")
            raise typer.Exit(2)
        try:
            if sql:
                pulled = pull_sql(sql, spec, out, plain=plain, dsn=dsn, pg_bin=pg_bin, schemas=schema, name=name,
                                  skip_unsupported=skip_unsupported)
            else:
                assert dsn is not None
                pulled = run_pull(dsn, spec, out, schemas=schema, name=name, skip_unsupported=skip_unsupported)
        except SchemagenError as exc:
            fail(exc)
            return
        what = "Supabase" if pulled.supabase else "Postgres"
        out_console.print(f"[green]pulled[/green] {what} schemas {', '.join(pulled.schemas) or '(none)'} into "
                          f"{spec}")
        for u in pulled.skipped:
            out_console.print(f"  [yellow]left out[/yellow] {u}")
        for note in pulled.notes:
            out_console.print(f"  [yellow]note[/yellow]: {note}")
        if not pulled.notes:
            out_console.print(f"[green]generated[/green] {out}")

    @command()
    def diff(
        dsn: Annotated[str, typer.Option("--dsn", metavar="DSN", help="The live database to compare with the spec.")],
        spec: Annotated[Path, typer.Option("--spec", metavar="PATH", help="The spec file.")] = Path("schema.yaml"),
        out: Annotated[Path | None, typer.Option("--out", metavar="DIR", help="The output folder (not written).")
                       ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
        pg_bin: Annotated[str | None, typer.Option(
            "--pg-bin", metavar="DIR", envvar="SCHEMAGEN_PG_BIN", help="A folder with initdb and pg_ctl for the "
                                                                         "scratch database.")] = None,
    ) -> None:
        """Exit 1 and print the migration (and its rollback) that would bring the database at DSN to SPEC;
        exit 0 when they match. Writes nothing."""
        from ..pull.drift import diff as run_diff

        try:
            drift = run_diff(dsn, spec, out_dir(spec, out), pg_bin=pg_bin)
        except SchemagenError as exc:
            fail(exc)
            return
        if as_json:
            sys.stdout.write(drift.to_json() + "\n")
        elif not drift:
            out_console.print(f"[green]no drift[/green]: the database matches {spec}")
        else:
            out_console.print(f"[red]drift[/red]: {len(drift.objects())} object(s) differ from {spec}")
            for o in drift.objects():
                out_console.print(f"  {o['object']}: {', '.join(o['changes'])}")
            sys.stdout.write("\n-- migration: the database → the spec\n" + drift.migration)
            sys.stdout.write("\n-- its rollback\n" + drift.rollback)
        for note in drift.notes:
            err_console.out(f"note: {note}")
        raise typer.Exit(1 if drift else 0)
