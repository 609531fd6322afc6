"""History files are byte-identical whichever JSON encoder writes them (orjson or the stdlib)."""

from __future__ import annotations

import json

from generator import history


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
