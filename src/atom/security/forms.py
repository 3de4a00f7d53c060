"""The Security Settings section: API Token, Allowed IP Addresses, Password Size.

One form, one Save. Nothing is saved while any part is invalid, and the
admin's input stays on the page with a message beside each field.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atom.security.api_tokens import GRACE_CHOICES
from atom.security.core import allowlist, password_size
from atom.security.services import SectionChange, allowlist_entries


def translate(error) -> str:
    """A primitive's English template, through the message catalogue.

    The params the error names as ``words`` (a range's name such as "private
    network") are translated too; the rest is the admin's own input, shown
    as typed (atom.security.core.messages).
    """
    words = getattr(error, "words", frozenset())
    params = {key: _(value) if key in words else value for key, value in error.params.items()}
    return _(error.template) % params


GRACE_LABELS = {
    "0": gettext_lazy("Stops working now"),
    "1h": gettext_lazy("Keeps working for 1 hour"),
    "24h": gettext_lazy("Keeps working for 24 hours"),
    "7d": gettext_lazy("Keeps working for 7 days"),
}


DEFAULT_GRACE = "24h"


def entry_message(item) -> str:
    """A refused entry's message, naming the entry (the list on the page has no lines)."""
    message = translate(item.error)
    if "entry" in item.error.params:
        return message
    return _("%(entry)s: %(message)s") % {"entry": item.text, "message": message}


def covered_notices(entries) -> list[str]:
    """Entries that a wider entry of the same list already covers: allowed twice."""
    notices = []
    for entry in entries:
        wider = next(
            (
                other
                for other in entries
                if other is not entry
                and other.network.version == entry.network.version
                and other.network != entry.network
                and entry.network.subnet_of(other.network)
            ),
            None,
        )
        if wider is not None:
            notices.append(
                _("%(entry)s is already covered by %(range)s; you can remove it.")
                % {"entry": entry.text, "range": wider.text}
            )
    return notices


# Console session limits, in minutes. An idle timeout under 15 minutes
# interrupts people reading a page; past a day it protects nothing (OWASP
# ASVS 3.3.2 asks for one at all). Sessions last from 1 hour to 30 days.
IDLE_TIMEOUT_CHOICES = [
    ("0", gettext_lazy("None")),
    ("15", gettext_lazy("15 minutes")),
    ("30", gettext_lazy("30 minutes")),
    ("60", gettext_lazy("1 hour")),
    ("120", gettext_lazy("2 hours")),
    ("240", gettext_lazy("4 hours")),
    ("480", gettext_lazy("8 hours")),
    ("1440", gettext_lazy("24 hours")),
]
SESSION_LENGTH_CHOICES = [
    ("60", gettext_lazy("1 hour")),
    ("240", gettext_lazy("4 hours")),
    ("480", gettext_lazy("8 hours")),
    ("720", gettext_lazy("12 hours")),
    ("1440", gettext_lazy("24 hours")),
    ("10080", gettext_lazy("7 days")),
    ("20160", gettext_lazy("14 days")),
    ("43200", gettext_lazy("30 days")),
]


# How long users without a second factor may still reach the console once
# the company requires it (GitHub gives its organisations' members a grace).
TWO_FACTOR_GRACE = {"0": timedelta(0), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
TWO_FACTOR_GRACE_LABELS = {
    "0": gettext_lazy("Must set it up now"),
    "24h": gettext_lazy("May log in without it for 24 hours"),
    "7d": gettext_lazy("May log in without it for 7 days"),
}


class SecuritySettingsForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    pending_token = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    old_token_grace = forms.ChoiceField(
        label=gettext_lazy("When you save the new token, the current token"),
        choices=[(key, GRACE_LABELS[key]) for key in GRACE_CHOICES],
        # Live integrations keep working while they are updated: stopping
        # the old token at once is a choice, never the default.
        initial=DEFAULT_GRACE,
        widget=forms.RadioSelect,
        required=False,
    )
    allowed_addresses = forms.CharField(
        label=gettext_lazy("Allowed IP Addresses"),
        required=False,
        strip=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "Only these public addresses can reach your company's account: the console, the "
            "Atom API and webhooks. One per line (press Enter between them), in the form "
            "X.X.X.X where each X is a number from 0 to 255; ranges such as 200.1.2.0/24 and "
            "IPv6 addresses work too. Add a label after the address if you like. Leave empty "
            "for no restriction."
        ),
    )
    password_size = forms.CharField(
        label=gettext_lazy("Password Size"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "size": 4,
                "data-min": password_size.SMALLEST_MINIMUM,
                "data-max": password_size.LARGEST_MINIMUM,
            }
        ),
        help_text=gettext_lazy(
            "The minimum length of your company's user passwords, from 8 to 64 characters. "
            "NIST recommends 15 or more. Characters are counted as the user sees them: a "
            "ligature such as ﬀ counts as one, and so does an accented letter. Users whose "
            "password is shorter are asked to change it at their next log-in."
        ),
    )

    # Not required: a form from before these fields existed leaves them as saved.
    idle_timeout = forms.TypedChoiceField(
        label=gettext_lazy("Idle timeout"),
        choices=IDLE_TIMEOUT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Idle timeout: choose one of the listed lengths, from 15 minutes to 24 hours, "
                "or None."
            )
        },
        help_text=gettext_lazy(
            "Users are signed out of the console after this long without using it."
        ),
    )
    session_length = forms.TypedChoiceField(
        label=gettext_lazy("Maximum session length"),
        choices=SESSION_LENGTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Maximum session length: choose one of the listed lengths, from 1 hour to 30 days."
            )
        },
        help_text=gettext_lazy(
            "Users must log in again this long after they logged in, even if they kept working."
        ),
    )

    require_two_factor = forms.BooleanField(
        label=gettext_lazy("Require two-step verification"),
        required=False,
        help_text=gettext_lazy(
            "Every user of your company must log in with a second step: an authenticator app "
            "or a passkey. Users who have not set it up are sent to do so at their next log-in. "
            "API tokens are not affected."
        ),
    )
    two_factor_grace = forms.ChoiceField(
        label=gettext_lazy("Users who have not set it up yet"),
        choices=[(key, TWO_FACTOR_GRACE_LABELS[key]) for key in TWO_FACTOR_GRACE],
        initial="24h",
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_password_size(self) -> int:
        try:
            return password_size.parse_setting(self.cleaned_data["password_size"])
        except password_size.SizeSettingError as error:
            raise forms.ValidationError(translate(error), code=error.code) from None

    def clean_allowed_addresses(self) -> list[allowlist.Entry]:
        parsed = allowlist.parse_lines(
            self.cleaned_data["allowed_addresses"],
            allow_private=settings.ATOM_ALLOW_PRIVATE_ADDRESSES,
        )
        self.notices = [translate(notice) for notice in parsed.notices]
        self.notices += covered_notices(parsed.entries)
        if parsed.errors:
            raise forms.ValidationError(
                [
                    forms.ValidationError(entry_message(error), code=error.error.code)
                    for error in parsed.errors
                ]
            )
        return list(parsed.entries)

    @classmethod
    def for_company(cls, company) -> SecuritySettingsForm:
        """The section as saved now, unbound."""
        policy = company.security
        return cls(
            initial={
                "revision": policy.revision,
                "password_size": str(policy.password_size),
                "allowed_addresses": allowlist.format_lines(allowlist_entries(company)),
                "old_token_grace": DEFAULT_GRACE,
                "require_two_factor": policy.require_two_factor,
                "two_factor_grace": "24h",
                "idle_timeout": str(policy.idle_timeout_minutes),
                "session_length": str(policy.session_length_minutes),
            }
        )

    def change(self) -> SectionChange:
        """What a valid form asks the write service to apply."""
        data = self.cleaned_data
        return SectionChange(
            revision=data["revision"],
            password_size=data["password_size"],
            entries=data["allowed_addresses"],
            pending_token_id=data.get("pending_token"),
            grace=GRACE_CHOICES[data.get("old_token_grace") or DEFAULT_GRACE],
            require_two_factor=data.get("require_two_factor", False),
            two_factor_grace=TWO_FACTOR_GRACE[data.get("two_factor_grace") or "24h"],
            idle_timeout_minutes=data.get("idle_timeout"),
            session_length_minutes=data.get("session_length"),
        )
