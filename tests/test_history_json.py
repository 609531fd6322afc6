"""History files are byte-identical whichever JSON encoder writes them (orjson or the stdlib)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from generator import history, output


def stdlib(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


TRICKY = {
    "z": [], "a": {}, "m": [[], [{}], {"k": None}],
    "text": "quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f nul \x00 us \x1f del \x7f",
    "unicode": "é ß 中文 😀 \u2028 \u2029 \ufeff",
    "keys": {"é": 1, "e": 2, "Z": 3, "_": 4, "": 5, "😀": 6, "ｚ": 7},
    "numbers": [0, -1, 2**63 - 1, -(2**63)], "bools": [True, False, None],
}


def test_same_bytes_as_the_stdlib_encoder() -> None:
    assert history._dumps(TRICKY) == stdlib(TRICKY)


def test_values_orjson_refuses_fall_back_to_the_stdlib() -> None:
    big = {"n": 2**70, "s": "x"}
    assert history._dumps(big) == stdlib(big)


def test_a_platform_history_file_round_trips_byte_for_byte() -> None:
    from tests.outdb import OUT
    for path in sorted((OUT / history.HISTORY_DIR).glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert history._dumps(history._loads(text)) == text, path.name


def _history_texts() -> list[tuple[str, str]]:
    """Every history file of the platform's out/ and of the evolution cases (renames, backfills)."""
    from tests.outdb import OUT
    cases = Path(__file__).parent / "cases"
    paths = [*sorted((OUT / history.HISTORY_DIR).glob("*.json")),
             *sorted(cases.glob(f"evolution/*/expected/{history.HISTORY_DIR}/*.json"))]
    return [(str(p), p.read_text(encoding="utf-8")) for p in paths]


def test_a_streamed_history_file_is_the_same_bytes() -> None:
    """entry_chunks() (the first history, written without being held) writes what entry_text()
    writes: from a decoded state (each object encoded as it goes) and from a stored form."""
    texts = _history_texts()
    assert any('"backfills"' in t for _, t in texts)
    for where, text in texts:
        for canonical in (False, True):
            entry = history.entry_from_text(text, where, canonical=canonical)
            assert b"".join(history.entry_chunks(entry)) == text.encode("utf-8"), (where, canonical)


def test_a_streamed_history_of_no_object_and_of_one_batch_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "_STREAM_BATCH", 4)
    entry = history.entry_from_text(_history_texts()[-1][1], "x")
    objects = history.state_to_list(entry.state)
    renames = ((history._from_oid(objects[0]["id"]), None, "old name"),
               (history._from_oid(objects[0]["id"]), "c", "old column"))
    for n in (0, 1, 3, 4, 5, 8, 9, len(objects)):
        small = dataclasses.replace(entry, state=history.state_from_list(objects[:n]), renames=renames)
        assert len(small.state.order) == n
        assert b"".join(history.entry_chunks(small)) == history.entry_text(small).encode("utf-8"), n


def test_streamed_files_are_written_and_compared_like_texts(tmp_path: Path) -> None:
    """A StreamedFile makes its bytes when written or compared; out/ ends the same as with a text."""
    text = "é\n" * 700_000  # more than one chunk of text
    calls = []

    def make() -> list[bytes]:
        calls.append(1)
        return [text[:5].encode(), text[5:].encode()]

    streamed = output.StreamedFile("h/x.json", make)
    assert streamed.text == text
    output.write_out(tmp_path, [streamed])
    assert (tmp_path / "h/x.json").read_text(encoding="utf-8") == text
    assert not output.compare_out(tmp_path, [streamed])
    assert output.write_out(tmp_path, [streamed]) == ([], [])  # compared chunk by chunk: unchanged
    (tmp_path / "h/x.json").write_text(text + "more\n", encoding="utf-8")
    drift = output.compare_out(tmp_path, [streamed])
    assert [name for name, _ in drift.changed] == ["h/x.json"] and "-more" in drift.changed[0][1]
    (tmp_path / "h/x.json").write_text(text[:-1], encoding="utf-8")  # a prefix of it is not the same
    assert output.compare_out(tmp_path, [output.GeneratedFile("h/x.json", text)]).changed
    assert len(calls) >= 5
