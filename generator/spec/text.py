"""Character rules for names: what may not appear in an identifier the spec declares."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

#: Bidirectional embeddings, overrides and isolates: they make text display in another order
#: than it is read ("Trojan Source"), so a name could look like another one.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: The control characters as one character class: the Unicode categories Cc (C0, DEL, C1), Zl and
#: Zp (U+2028, U+2029) are fixed sets, and one regex search is ~20x cheaper than a category lookup
#: per character over every name of a 1,000-table spec (tests/test_spec_text.py checks the class
#: against unicodedata over every code point).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(_BIDI)) + "]")


def control_character(text: str) -> tuple[int, str] | None:
    """(0-based index, U+XXXX) of the first control character of ``text``, or None.

    Control characters are C0 (NUL, tab, line feed, …), DEL, C1, the Unicode line and paragraph
    separators and the bidirectional controls.
    """
    found = _CONTROL.search(text)
    if found is None:
        return None
    return found.start(), f"U+{ord(found.group()):04X}"


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
