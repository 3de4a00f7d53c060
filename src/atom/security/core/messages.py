"""Errors of the framework-free primitives that carry their own message.

Each error has ``code`` (short and stable, for tests, APIs and catalogues),
``template`` (English, with ``%(name)s`` placeholders, marked for xgettext)
and ``params``, so the Django layer translates the message
(``atom.security.forms.translate``) without the primitives importing Django.
"""

from __future__ import annotations

from typing import ClassVar


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalogue without translating it here."""
    return message


class CodedError(ValueError):
    """``str(error)`` is ``template % params``, in English."""

    code: ClassVar[str]
    template: ClassVar[str]
    # The params that are words of this code (marked with gettext_noop, such
    # as a range's name), translated along with the template. Every other
    # param is the person's own input and is shown exactly as typed, even
    # when it happens to read like a word of the console ("Save").
    words: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params: object) -> None:
        super().__init__(params)
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        return self.template % self.params
