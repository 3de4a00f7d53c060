"""Reading and saving the Security Settings section as one unit."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atom.audit.log import record
from atom.security import api_tokens
from atom.security.core import allowlist
from atom.security.core.matcher import Matcher
from atom.security.forms import SecuritySettingsForm
from atom.security.models import AllowedAddress, SecurityPolicy
from atom.security.runtime.state import announce_change


class SaveRefused(Exception):
    """The section was not saved; ``field`` says where the message belongs."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


@dataclass
class SaveResult:
    changed: list[str] = field(default_factory=list)


def stored_entries(company) -> list[allowlist.Entry]:
    return [
        allowlist.parse_entry(f"{row.network} {row.label}".strip(), allow_private=True)
        for row in AllowedAddress.objects.filter(company=company).order_by("position")
    ]


def initial_data(company) -> dict:
    policy = company.security
    return {
        "revision": policy.revision,
        "password_size": str(policy.password_size),
        "allowed_addresses": allowlist.format_lines(stored_entries(company)),
        "old_token_grace": "0",
    }


def unbound_form(company) -> SecuritySettingsForm:
    return SecuritySettingsForm(initial=initial_data(company))


def check_lockout(request, entries: list[allowlist.Entry]) -> None:
    """GitHub's rule: never save a list that would lock out the admin saving it."""
    if not entries:
        return
    address = getattr(request, "client_ip", None)
    matcher = Matcher([entry.network for entry in entries])
    if address is None or not matcher.allows(address):
        shown = str(address) if address is not None else _("unknown")
        raise SaveRefused(
            _(
                "This list does not include your current address (%(address)s): saving it would "
                "lock you out. Add your address, or save from an address on the list."
            )
            % {"address": shown},
            field="allowed_addresses",
            code="lockout",
        )


def save(request, form: SecuritySettingsForm, *, sudo: bool) -> SaveResult:
    """Apply a valid form in one transaction, or raise SaveRefused and change nothing."""
    user = request.user
    company = user.company
    data = form.cleaned_data
    entries: list[allowlist.Entry] = data["allowed_addresses"]
    check_lockout(request, entries)
    pending_id = data.get("pending_token")
    if pending_id and not sudo:
        raise SaveRefused(
            _("Confirm your password to save the new token."),
            field="pending_token",
            code="password_required",
        )
    result = SaveResult()
    with transaction.atomic():
        # The row lock serializes saves: two admins saving at once are
        # applied one after the other, and the second sees the new revision.
        policy = SecurityPolicy.objects.select_for_update().get(company=company)
        if policy.revision != data["revision"]:
            raise SaveRefused(
                _(
                    "Another admin saved these settings after you opened this page. Nothing was "
                    "saved; the current settings are shown below. Make your changes again and save."
                ),
                code="conflict",
            )
        announce = False

        if policy.password_size != data["password_size"]:
            record(
                "security.password_size_changed",
                request=request,
                details={"from": policy.password_size, "to": data["password_size"]},
            )
            policy.password_size = data["password_size"]
            result.changed.append("password_size")

        if _save_allowlist(request, company, entries):
            result.changed.append("allowed_addresses")
            announce = True

        if pending_id:
            pending = api_tokens.pending_token(company, user, pending_id)
            if pending is None:
                raise SaveRefused(
                    _(
                        "The new token was discarded or is more than an hour old. Generate a new token and save again."
                    ),
                    field="pending_token",
                    code="pending_expired",
                )
            grace = api_tokens.GRACE_CHOICES[data.get("old_token_grace") or "0"]
            api_tokens.activate(company, pending, grace, request=request)
            result.changed.append("api_token")

        if result.changed:
            policy.revision += 1
            policy.updated_by = user
            policy.save()
        if announce:
            announce_change()
    return result


def _save_allowlist(request, company, entries: list[allowlist.Entry]) -> bool:
    old = {
        row.network: row.label
        for row in AllowedAddress.objects.filter(company=company).order_by("position")
    }
    new = {entry.text: entry.label for entry in entries}
    if list(old.items()) == list(new.items()):
        return False
    AllowedAddress.objects.filter(company=company).delete()
    AllowedAddress.objects.bulk_create(
        AllowedAddress(company=company, network=entry.text, label=entry.label, position=index)
        for index, entry in enumerate(entries)
    )
    added = [network for network in new if network not in old]
    removed = [network for network in old if network not in new]
    relabeled = [network for network in new if network in old and old[network] != new[network]]
    record(
        "security.allowlist_changed",
        request=request,
        details={"added": added, "removed": removed, "relabeled": relabeled, "count": len(new)},
    )
    return True


def token_context(company, user) -> dict:
    return {
        "active_token": api_tokens.active_token(company),
        "grace_tokens": api_tokens.grace_tokens(company),
        "now": timezone.now(),
    }
