"""Wordings for integration tokens (atom.security.integrations). ``wordings.WORDINGS`` includes these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atom.audit.dates import format_when
from atom.audit.phrases import Details, Unworded, address, duration, listed, token


def _days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def _named(d: Details) -> dict[str, str]:
    return {"name": d.text("name"), "token": token(d.text("last4"))}


def _created(d: Details) -> str:
    values = {**_named(d), "scopes": listed(d.items("scopes"))}
    expires = d.get("expires_at")
    if not expires:
        return (
            _("Created the integration token %(name)s (%(token)s) for %(scopes)s, never expiring")
            % values
        )
    try:
        values["when"] = format_when(datetime.fromisoformat(str(expires)))
    except ValueError:
        raise Unworded("expires_at") from None
    return (
        _("Created the integration token %(name)s (%(token)s) for %(scopes)s, expiring %(when)s")
        % values
    )


def _rotated(d: Details) -> str:
    values = {**_named(d), "old": token(d.text("old_last4"))}
    grace = d.number("grace_seconds")
    if grace <= 0:
        return (
            _(
                "Rotated the integration token %(name)s to %(token)s; the old secret %(old)s stopped "
                "working at once"
            )
            % values
        )
    return _(
        "Rotated the integration token %(name)s to %(token)s; the old secret %(old)s keeps "
        "working %(duration)s"
    ) % {**values, "duration": duration(grace)}


def _revoked(d: Details) -> str:
    return _("Revoked the integration token %(name)s (%(token)s)") % _named(d)


def _expiring(d: Details) -> str:
    return _("The integration token %(name)s (%(token)s) expires in %(days)s") % {
        **_named(d),
        "days": _days(d.number("days")),
    }


def _expired(d: Details) -> str:
    return _("The integration token %(name)s (%(token)s) expired") % _named(d)


def _new_address(d: Details) -> str:
    return _(
        "The integration token %(name)s (%(token)s) was used from %(address)s for the first time"
    ) % {
        **_named(d),
        "address": address(d.get("address")),
    }


def _lifetime(value) -> str:
    if value is None:
        return _("no maximum")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unworded("lifetime")
    return _days(value)


def _max_lifetime_changed(d: Details) -> str:
    return _("Maximum lifetime of new integration tokens changed from %(old)s to %(new)s") % {
        "old": _lifetime(d.get("from")),
        "new": _lifetime(d.get("to")),
    }


INTEGRATION_WORDINGS: dict[str, Callable[[Details], str]] = {
    "integration.created": _created,
    "integration.rotated": _rotated,
    "integration.revoked": _revoked,
    "integration.expiring": _expiring,
    "integration.expired": _expired,
    "integration.new_address": _new_address,
    "integration.max_lifetime_changed": _max_lifetime_changed,
}
