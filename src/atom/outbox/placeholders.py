"""Numbered placeholders in template bodies: ``{{1}}``, ``{{2}}``... as WhatsApp has them.

Plain Python, no Django: the console form and the Templates API both call it.
"""

from __future__ import annotations

import re

_ANY = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_NUMBERED = re.compile(r"\{\{([1-9][0-9]{0,2})\}\}")


class PlaceholderError(ValueError):
    pass


class NotNumbered(PlaceholderError):
    """``{{name}}`` or ``{{ 1 }}``: only ``{{1}}``, ``{{2}}``... are placeholders."""

    def __init__(self, text: str) -> None:
        super().__init__(f"{text} is not a numbered placeholder")
        self.text = text


class Gap(PlaceholderError):
    """``{{2}}`` without ``{{1}}``: WhatsApp numbers placeholders from 1 without gaps."""

    def __init__(self, used: int, missing: int) -> None:
        super().__init__(f"{{{{{used}}}}} is used but {{{{{missing}}}}} is not")
        self.used = used
        self.missing = missing


def numbers(body: str) -> list[int]:
    """The placeholder numbers a body uses, 1 to n without gaps, or PlaceholderError."""
    for match in _ANY.finditer(body):
        if not _NUMBERED.fullmatch(match.group(0)):
            raise NotNumbered(match.group(0))
    used = sorted({int(number) for number in _NUMBERED.findall(body)})
    for expected, number in enumerate(used, start=1):
        if number != expected:
            raise Gap(number, expected)
    return used


def names(body: str) -> list[str]:
    """The keys a send request's ``params`` must have: ["1", "2", ...]."""
    return [str(number) for number in numbers(body)]


def render(body: str, params: dict[str, str | int | float]) -> str:
    """The body with each placeholder replaced; every placeholder must have a value."""
    return _NUMBERED.sub(lambda match: str(params[match.group(1)]), body)
