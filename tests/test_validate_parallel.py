"""Validation on several cores finds exactly what one process finds (issue 14, goal 4)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.pipeline import generate
from generator.validate import _chunks, validate_sql_files

SPEC = Path(__file__).resolve().parents[1] / "schema.yaml"


@pytest.fixture(scope="module")
def files():  # noqa: ANN201
    return generate(SPEC, validate=False).sql_files


def broken(file):  # noqa: ANN001, ANN201
    """``file`` with its last CREATE TABLE misspelt, in the text and in its segment alike."""
    seg = max((s for s in file.segments if "CREATE TABLE" in s.sql), key=lambda s: s.first_line)
    bad = seg.sql.replace("CREATE TABLE", "CREATE TABEL", 1)
    at = file.text.rindex(seg.sql)
    text = file.text[:at] + bad + file.text[at + len(seg.sql):]
    segments = tuple(dataclasses.replace(s, sql=bad) if s is seg else s for s in file.segments)
    return dataclasses.replace(file, text=text, segments=segments)


def test_pieces_hold_the_whole_file(files) -> None:  # noqa: ANN001
    for f in files:
        assert "".join(_chunks(f, 3)) == f.text


def test_pieces_are_cut_where_a_segment_starts(files) -> None:  # noqa: ANN001
    f = max(files, key=lambda f: len(f.segments))
    pieces = list(_chunks(f, 4))
    assert len(pieces) == 4
    lines = [p.count("\n") for p in pieces]
    starts = {s.first_line for s in f.segments}
    for i in range(1, len(pieces)):  # each piece begins on the first line of a segment's SQL
        assert sum(lines[:i]) + 1 in starts
        assert any(pieces[i].startswith(s.sql) for s in f.segments)


def test_parallel_finds_nothing_in_valid_files(files) -> None:  # noqa: ANN001
    assert validate_sql_files(files, workers=2, min_chars=0) == []


def test_parallel_reports_what_serial_reports(files) -> None:  # noqa: ANN001
    mixed = [broken(f) if f.name.startswith("004_") else f for f in files]
    serial = validate_sql_files(mixed, workers=1)
    assert serial and "does not parse" in serial[0].message
    assert validate_sql_files(mixed, workers=2, min_chars=0) == serial
