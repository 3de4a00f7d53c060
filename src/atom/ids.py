"""Object ids in query strings and form data, read strictly.

``str.isdigit()`` accepts "²" and other Unicode digits that ``int()``
refuses, which turned a crafted ``?pending=²`` into a server error. Only
ASCII digits are an id here, and no more of them than a 64-bit key holds.
"""

from __future__ import annotations

_MAX_DIGITS = 18


def parse_id(text: object) -> int | None:
    """The positive id ``text`` spells, or None for anything else."""
    if not isinstance(text, str) or not 0 < len(text) <= _MAX_DIGITS:
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value > 0 else None
