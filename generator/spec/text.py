"""Character rules for names: what may not appear in an identifier the spec declares."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

#: Bidirectional embeddings, overrides and isolates: they make text display in another order
#: than it is read ("Trojan Source"), so a name could look like another one.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_character(text: str) -> tuple[int, str] | None:
    """(0-based index, U+XXXX) of the first control character of ``text``, or None.

    Control characters are C0 (NUL, tab, line feed, …), DEL, C1, the Unicode line and paragraph
    separators and the bidirectional controls.
    """
    for i, c in enumerate(text):
        if c in _BIDI or unicodedata.category(c) in ("Cc", "Zl", "Zp"):
            return i, f"U+{ord(c):04X}"
    return None


def _no_control(value: str) -> str:
    found = control_character(value)
    if found:
        raise PydanticCustomError(
            "control_character", "a name cannot contain control characters: {code} at character {index}",
            {"code": found[1], "index": found[0] + 1})
    return value


#: A name of the spec (object, column, role, enum value, type…): not empty, no control characters.
Name = Annotated[str, Field(min_length=1), AfterValidator(_no_control)]
#: Text that names things but may be empty (``search_path``).
NameText = Annotated[str, AfterValidator(_no_control)]
