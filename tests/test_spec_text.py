"""The control-character rule of names (generator/spec/text.py) against its Unicode definition."""

from __future__ import annotations

import sys
import unicodedata

from generator.spec.text import _BIDI, control_character


def _by_category(c: str) -> bool:
    return c in _BIDI or unicodedata.category(c) in ("Cc", "Zl", "Zp")


def test_control_class_is_the_unicode_categories_over_every_code_point() -> None:
    # surrogates cannot be in a str read from YAML but are code points all the same
    wrong = [hex(i) for i in range(sys.maxunicode + 1)
             if (control_character(chr(i)) is not None) != _by_category(chr(i))]
    assert wrong == []


def test_first_control_character_is_located() -> None:
    assert control_character("plain_name") is None
    assert control_character("ok\u00e9\u4e2d") is None
    assert control_character("a\tb\nc") == (1, "U+0009")
    assert control_character("name\u202e") == (4, "U+202E")
    assert control_character("x\u2028") == (1, "U+2028")
    assert control_character("\x7f") == (0, "U+007F")
    assert control_character("\x85tail") == (0, "U+0085")
