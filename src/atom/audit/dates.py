"""The one way Atom writes a moment: "8 Dec 2026, 13:53 UTC".

Every page that shows a date and time uses this (through the ``when``
template filter of ``{% load dates %}``), so a reader never has to guess a
time zone or compare two formats. The format is a translated string, as
Django's own DATETIME_FORMAT is: Spanish writes "8 dic 2026, 13:53 UTC".
"""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat, timezone
from django.utils.translation import pgettext


def format_when(value: datetime | str | None) -> str:
    """The moment in the current time zone (UTC unless activated), with its name.

    Accepts an ISO 8601 string too, as audit details store moments; an
    empty value or an unreadable string gives "".
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    # Translators: a date and time in PHP/Django date() syntax; keep "T" (the time zone).
    fmt = pgettext("date and time", "j M Y, H:i T")
    return dateformat.format(timezone.localtime(value), fmt)
