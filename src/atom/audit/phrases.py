"""The small pieces audit sentences are made of: a masked token, a list, a duration.

Also how a wording reads the stored details: a key it needs that is
missing, empty or of the wrong kind raises ``Unworded``, and the event falls
back to the generic sentence instead of reading wrongly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atom.accounts.models import Role
from atom.audit.models import ActorType

# A long allowlist change still fits a table cell; the export's details
# column keeps every address.
MAX_LISTED = 10


class Unworded(Exception):
    """The details lack what the action's sentence needs."""


class Details:
    """The stored details, read by key; a missing or empty required key ends the wording."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        value = self._data.get(key)
        if value is None or value == "":
            raise Unworded(key)
        return value

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def text(self, key: str) -> str:
        value = self[key]
        if isinstance(value, (dict, list)):
            raise Unworded(key)
        return str(value)

    def number(self, key: str) -> int:
        value = self[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise Unworded(key)
        return value

    def items(self, key: str) -> list[str]:
        value = self.get(key) or []
        if not isinstance(value, list):
            raise Unworded(key)
        return [str(item) for item in value]


def token(last4: str) -> str:
    # The last four characters identify a token to its owner and help no one else.
    return "…" + last4


def listed(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C", or past MAX_LISTED "A, B, ... J and 5 more"."""
    shown = list(items[:MAX_LISTED])
    hidden = len(items) - len(shown)
    if hidden:
        return ngettext("%(items)s and %(count)s more", "%(items)s and %(count)s more", hidden) % {
            "items": ", ".join(shown),
            "count": hidden,
        }
    if len(shown) == 1:
        return shown[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(shown[:-1]), "last": shown[-1]}


def duration(seconds: int) -> str:
    """As the grace choices name them: "1 hour", "24 hours", "7 days"."""
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}


def role(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def rate(limit: Any) -> str:
    if limit is None:
        return _("the default")
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise Unworded("rate")
    return ngettext("%(count)s request a second", "%(count)s requests a second", limit) % {
        "count": limit
    }


def address(value: Any) -> str:
    return _("an unknown address") if value in (None, "", "unknown") else str(value)


def clauses(parts: list[str]) -> str:
    return "; ".join(parts)


def addresses(items: list[str]) -> dict[str, str]:
    return {"addresses": listed(items)}


def person(value: str) -> str:
    """A person filter as stored: an email, or a kind of actor."""
    try:
        return str(ActorType(value).label)
    except ValueError:
        return value
