"""Validate stage: every generated statement parses with the real Postgres grammar (pglast).

The fast path parses each whole file once in C (libpg_query → JSON, no Python AST); only when a
file fails do we parse it segment by segment to name the operation, its spec position and the
file line. PL/pgSQL bodies are parsed with libpg_query's PL/pgSQL parser.
"""

from __future__ import annotations

from collections.abc import Callable

from pglast import parser as pg

from ..errors import Pos, Problem
from ..ir.ids import ObjectId
from ..render.sql import Segment, SqlFile

Where = Callable[[ObjectId], Pos | None]


def _first_statement(sql: str) -> str:
    first = next(iter(pg.split(sql, with_parser=False, only_slices=True)), None)
    return sql[first] if first is not None else sql


def _segment_problem(file: SqlFile, seg: Segment, message: str, where: Where) -> Problem:
    pos = seg.op.obj.pos if seg.op.obj.pos.line else where(seg.op.obj.id)
    return Problem(pos, f"generated {file.name}:{seg.first_line}-{seg.last_line} "
                                   f"({seg.title}) does not parse: {message}")


def _nowhere(_oid: ObjectId) -> Pos | None:
    return None


def validate_sql_file(file: SqlFile, where: Where = _nowhere) -> list[Problem]:
    """Problems of one generated SQL file (empty when every statement parses).

    Objects replayed from the migration history carry no position; ``where`` finds their
    ``schema.yaml`` position (the object in the current spec, else the spec itself)."""
    problems: list[Problem] = []
    try:
        pg.parse_sql_json(file.text)
    except pg.ParseError as exc:
        for seg in file.segments:
            try:
                pg.parse_sql_json(seg.sql)
            except pg.ParseError as inner:
                problems.append(_segment_problem(file, seg, inner.args[0], where))
        if not problems:
            problems.append(Problem(None, f"generated {file.name} does not parse: {exc.args[0]}"))
    for seg in file.segments:
        obj = seg.op.obj
        if seg.op.action == "create" and getattr(obj, "language", None) == "plpgsql":
            try:
                pg.parse_plpgsql_json(_first_statement(seg.sql))
            except pg.ParseError as exc:
                problems.append(_segment_problem(file, seg, f"PL/pgSQL: {exc.args[0]}", where))
    return problems


def validate_sql_files(files: list[SqlFile], where: Where = _nowhere) -> list[Problem]:
    """Problems of all generated SQL files."""
    return [p for f in files for p in validate_sql_file(f, where)]
