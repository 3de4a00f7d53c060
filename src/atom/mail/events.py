"""The security emails Atom sends: who receives each, and what it says.

Each event is worded here once, in the recipient's language at the time
it is queued. Details never carry a secret: a token appears as its last 4
characters at most.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

ADMINS = "admins"
USER = "user"

Details = Mapping[str, Any]


@dataclass(frozen=True)
class Event:
    audience: str  # ADMINS: the company's owners and admins; USER: the user concerned
    # The preference that turns it off (atom.mail.models.EmailPreferences); None: always sent.
    category: str | None
    subject: Callable[[Details], str]
    what: Callable[[Details], str]


def _listed(values) -> str:
    return ", ".join(str(value) for value in values) or _("none")


def _allowlist(d: Details) -> str:
    if not d.get("added") and d.get("removed") and d.get("cleared"):
        return _(
            "Every Allowed IP Address was removed: %(removed)s. There is no restriction now."
        ) % {"removed": _listed(d["removed"])}
    return _("The Allowed IP Addresses were changed. Added: %(added)s. Removed: %(removed)s.") % {
        "added": _listed(d.get("added", [])),
        "removed": _listed(d.get("removed", [])),
    }


EVENTS: dict[str, Event] = {
    "token.saved": Event(
        ADMINS,
        "company_security",
        lambda d: _("A new API token was saved"),
        lambda d: (
            _(
                "A new API token (ending in %(last4)s) was saved for %(company)s. Every Atom API and "
                "webhook connection must now use it."
            )
            % d
        ),
    ),
    "token.stopped": Event(
        ADMINS,
        "company_security",
        lambda d: _("An old API token was stopped"),
        lambda d: (
            _(
                "The old API token ending in %(last4)s was stopped before the end of its grace period."
            )
            % d
        ),
    ),
    "token.new_address": Event(
        ADMINS,
        "company_security",
        lambda d: _("Your API token was used from a new address"),
        lambda d: (
            _("The API token ending in %(last4)s was used from %(address)s for the first time.") % d
        ),
    ),
    "integration_token.expiring": Event(
        ADMINS,
        "company_security",
        lambda d: _("An integration token expires soon"),
        lambda d: (
            _(
                "The integration token %(name)s (ending in %(last4)s) stops working on %(expires)s. "
                "Create a new token for that integration in Settings > My Company > Settings > "
                "Integration tokens, and replace the old one before then."
            )
            % d
        ),
    ),
    "allowlist.changed": Event(
        ADMINS, "company_security", lambda d: _("The Allowed IP Addresses changed"), _allowlist
    ),
    "password_size.changed": Event(
        ADMINS,
        "company_security",
        lambda d: _("The Password Size changed"),
        lambda d: _("The Password Size changed from %(from)s to %(to)s characters.") % d,
    ),
    "two_factor.required": Event(
        ADMINS,
        "company_security",
        lambda d: (
            _("Two-step verification is now required")
            if d.get("required")
            else _("Two-step verification is no longer required")
        ),
        lambda d: (
            _("Every user of %(company)s must now use two-step verification.") % d
            if d.get("required")
            else _("Users of %(company)s no longer need two-step verification.") % d
        ),
    ),
    "second_factor.reset": Event(
        ADMINS,
        "company_users",
        lambda d: _("A user's two-step verification was reset"),
        lambda d: (
            _(
                "The two-step verification of %(email)s was reset; they can log in with their "
                "password alone until they set it up again."
            )
            % d
        ),
    ),
    "user.added": Event(
        ADMINS,
        "company_users",
        lambda d: _("A user was added"),
        lambda d: (
            _("%(email)s was added to %(company)s as %(role)s.") % {**d, "role": _role(d["role"])}
        ),
    ),
    "user.promoted": Event(
        ADMINS,
        "company_users",
        lambda d: _("A user was made %(role)s") % {"role": _role(d["role"])},
        lambda d: _("%(email)s is now %(role)s of %(company)s.") % {**d, "role": _role(d["role"])},
    ),
    "signin.new": Event(
        USER,
        None,
        lambda d: _("New sign-in to your Atom account"),
        lambda d: _("Your account was signed in to from a browser or address not seen before."),
    ),
    "password.changed": Event(
        USER,
        None,
        lambda d: _("Your password was changed"),
        lambda d: _("The password of your Atom account was changed."),
    ),
    "second_factor.added": Event(
        USER,
        None,
        lambda d: _("A second factor was added to your account"),
        lambda d: _("%(method)s was added to the two-step verification of your account.") % d,
    ),
    "second_factor.removed": Event(
        USER,
        None,
        lambda d: _("A second factor was removed from your account"),
        lambda d: _("%(method)s was removed from the two-step verification of your account.") % d,
    ),
    "recovery_codes.regenerated": Event(
        USER,
        None,
        lambda d: _("New recovery codes were made for your account"),
        lambda d: _(
            "New recovery codes were made for your account; the old ones no longer work."
        ),
    ),
    "recovery_code.used": Event(
        USER,
        None,
        lambda d: _("A recovery code was used"),
        lambda d: (
            _("A recovery code was used to log in to your account; %(remaining)s remain.") % d
        ),
    ),
}


def _role(role: str) -> str:
    from atom.accounts.models import Role

    return str(Role(role).label) if role in Role.values else role
