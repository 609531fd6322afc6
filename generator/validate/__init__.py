"""Validate stage: every generated statement parses with the real Postgres grammar (pglast).

The fast path parses each whole file once in C (libpg_query, no tree handed to Python); only when a
file fails do we parse it segment by segment to name the operation, its spec position and the
file line. PL/pgSQL bodies are parsed with libpg_query's PL/pgSQL parser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

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


def _parse(sql: str) -> None:
    """Raise pg.ParseError unless ``sql`` parses with the Postgres grammar.

    libpg_query's splitter in parser mode runs the same raw parser as ``parse_sql_json`` but
    returns only statement boundaries: half the time, and no JSON of the whole tree (a 1,000-table
    migration's was 12 MB, the peak memory of ``generate``)."""
    for _ in pg.split(sql, with_parser=True, only_slices=True):
        pass


def _nowhere(_oid: ObjectId) -> Pos | None:
    return None


def validate_sql_file(file: SqlFile, where: Where = _nowhere) -> list[Problem]:
    """Problems of one generated SQL file (empty when every statement parses).

    Objects replayed from the migration history carry no position; ``where`` finds their
    ``schema.yaml`` position (the object in the current spec, else the spec itself)."""
    problems: list[Problem] = []
    try:
        for piece in _chunks(file, len(file.text) // PIECE_CHARS):
            _parse(piece)
    except pg.ParseError as exc:
        for seg in file.segments:
            try:
                _parse(seg.sql)
            except pg.ParseError as inner:
                problems.append(_segment_problem(file, seg, inner.args[0], where))
        if not problems:
            problems.append(Problem(None, f"generated {file.name} does not parse: {exc.args[0]}"))
    return problems + _plpgsql_problems(file, where)


def plpgsql_segments(file: SqlFile) -> list[tuple[int, Segment]]:
    """The segments (and their indexes) whose function body is checked by the PL/pgSQL parser."""
    return [(i, seg) for i, seg in enumerate(file.segments)
            if seg.op.action == "create" and getattr(seg.op.obj, "language", None) == "plpgsql"]


def _plpgsql_problems(file: SqlFile, where: Where = _nowhere) -> list[Problem]:
    """Problems of the PL/pgSQL bodies of the functions ``file`` creates."""
    problems: list[Problem] = []
    for _i, seg in plpgsql_segments(file):
        try:
            pg.parse_plpgsql_json(_first_statement(seg.sql))
        except pg.ParseError as exc:
            problems.append(_segment_problem(file, seg, f"PL/pgSQL: {exc.args[0]}", where))
    return problems


#: A file is parsed in pieces of about this many characters (cut between segments): libpg_query
#: holds the whole tree of what it parses, 24 MB for a 1,000-table migration at once. The C heap
#: keeps what the largest piece needed: 256 KB pieces left the process 11 MiB larger (the peak of a
#: 1,000-table generate), 64 KB pieces 1.6 MiB, in the same time (16 KB pieces are slower).
PIECE_CHARS = 64_000

#: Below this much SQL (characters) one process parses faster than starting workers (measured:
#: libpg_query parses ~15 MB/s here and holds the GIL, so threads do not help; a forked worker costs
#: ~0.1 s to start and to receive its text).
PARALLEL_MIN_CHARS = 8_000_000


def _parses(text: str) -> bool:
    """Whether ``text`` parses (run in a worker process)."""
    try:
        _parse(text)
    except pg.ParseError:
        return False
    return True


def _chunks(file: SqlFile, n: int) -> Iterator[str]:
    """``file``'s text cut into about ``n`` pieces between segments (each piece holds whole
    statements: segments, and the BEGIN/COMMIT and comments between them), one at a time.

    A cut is where a segment's SQL starts, found as :func:`generator.render.sql._locate` found it
    (each segment's text searched for after the previous one), so no list of the file's lines is
    made (60,000 strings for a 1,000-table migration)."""
    text, segments = file.text, file.segments
    if n <= 1 or len(segments) < 2 * n:
        yield text
        return
    step = len(segments) // n
    cuts = set(range(step, len(segments), step)[: n - 1])
    start = piece = 0
    for i, seg in enumerate(segments):
        at = text.find(seg.sql, start)
        if at < 0:  # segments not from this text (never from render): no further cuts
            break
        if i in cuts:
            yield text[piece:at]
            piece = at
        start = at + len(seg.sql)
    yield text[piece:]


def _workers() -> int:
    """One per core of the affinity mask, or ``$SCHEMAGEN_JOBS`` (generator/parallel.py)."""
    from ..parallel import jobs

    return jobs()


def validate_sql_files(files: list[SqlFile], where: Where = _nowhere, *, workers: int | None = None,
                       min_chars: int = PARALLEL_MIN_CHARS) -> list[Problem]:
    """Problems of all generated SQL files.

    When there is at least ``min_chars`` of SQL and more than one core, the files are cut into
    pieces parsed by worker processes (one per core); a file with a piece that does not parse is
    then checked alone, as below, so that its problems name the operation and the spec position.
    """
    workers = _workers() if workers is None else workers
    if workers > 1 and sum(len(f.text) for f in files) >= min_chars:
        import multiprocessing  # only for 8 MB of SQL or more: the imports cost ~15 ms on every run
        from concurrent.futures import ProcessPoolExecutor

        pieces = [(i, text) for i, f in enumerate(files) for text in _chunks(f, workers)]
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            ok = list(pool.map(_parses, [text for _, text in pieces]))
        failed = {i for (i, _), good in zip(pieces, ok, strict=True) if not good}
        return [p for i, f in enumerate(files) for p in
                (validate_sql_file(f, where) if i in failed else _plpgsql_problems(f, where))]
    return [p for f in files for p in validate_sql_file(f, where)]
