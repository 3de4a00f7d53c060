"""The write services of a company's security settings.

One function per change a person can make: replace the Allowed IP
Addresses, set the Password Size, set the API rate limit, and save the
Security Settings section as one unit (which may also save a new API
token, atom.security.api_tokens). Each takes the company, the new values
and an explicit ``Actor``; the console's views and the `atom` commands
call the same functions. Each runs in one transaction, takes the locks in
the order of atom.security.locks, records its audit event and announces
the change to every process (atom.security.changes), or raises a
``SaveRefused`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from ipaddress import IPv4Address, IPv6Address

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.mail.notify import notify
from atom.security import api_tokens
from atom.security.changes import announce_change
from atom.security.core import allowlist
from atom.security.core.matcher import Matcher
from atom.security.locks import lock_policy
from atom.security.models import AllowedAddress


class SaveRefused(Exception):
    """Nothing was saved; ``field`` names the form field the message belongs to."""

    field: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleRevision(SaveRefused):
    """Another admin saved the section after this one was loaded."""


class WouldLockOut(SaveRefused):
    field = "allowed_addresses"


class PasswordRequired(SaveRefused):
    """The change weakens protection and needs a recently confirmed password (sudo mode).

    ``reasons`` names what weakens it (see ``weakenings``); the message says
    so, for the section's error summary.
    """

    def __init__(self, message: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons


class PendingTokenGone(SaveRefused):
    field = "pending_token"


class TwoFactorFirst(SaveRefused):
    """Requiring two-step verification needs the admin saving it to have it already."""

    field = "require_two_factor"


@dataclass(frozen=True)
class SectionChange:
    """What the admin submitted: the whole section, as the form shows it."""

    revision: int
    password_size: int
    entries: list[allowlist.Entry]
    pending_token_id: int | None = None
    grace: timedelta = timedelta(0)
    # Require two-step verification: None leaves it as saved; the grace is
    # how long users without it may still log in without setting it up.
    require_two_factor: bool | None = None
    two_factor_grace: timedelta = timedelta(0)
    # Console session limits in minutes (0: no idle timeout); None: unchanged.
    idle_timeout_minutes: int | None = None
    session_length_minutes: int | None = None


@dataclass
class SaveResult:
    changed: list[str] = field(default_factory=list)


def allowlist_entries(company) -> list[allowlist.Entry]:
    """The company's Allowed IP Addresses as saved, in their order."""
    return [
        allowlist.parse_entry(f"{row.network} {row.label}".strip(), allow_private=True)
        for row in AllowedAddress.objects.filter(company=company).order_by("position")
    ]


def check_lockout(
    entries: list[allowlist.Entry], address: IPv4Address | IPv6Address | None
) -> None:
    """GitHub's rule: never save a list that would lock out the admin saving it."""
    if not entries:
        return
    matcher = Matcher([entry.network for entry in entries])
    if address is None or not matcher.allows(address):
        shown = str(address) if address is not None else _("unknown")
        raise WouldLockOut(
            _(
                "This list does not include your current address (%(address)s): saving it would "
                "lock you out. Add your address, or save from an address on the list."
            )
            % {"address": shown}
        )


def weakenings(company, policy, change: SectionChange) -> tuple[str, ...]:
    """What in ``change`` weakens the company's protection; each needs a fresh password.

    A hijacked session must not be able to open the account up: emptying
    the Allowed IP Addresses (no restriction at all), widening them (an
    entry that no saved entry already covers), lowering the Password Size,
    or putting a new API token in use. Tightening, relabelling and
    reordering need no password.
    """
    reasons = []
    saved = [entry.network for entry in allowlist_entries(company)]
    if saved and not change.entries:
        reasons.append("allowlist_emptied")
    elif saved and any(
        not any(_covers(old, entry.network) for old in saved) for entry in change.entries
    ):
        reasons.append("allowlist_widened")
    if change.password_size < policy.password_size:
        reasons.append("password_size_lowered")
    if change.pending_token_id:
        reasons.append("api_token")
    if _longer(policy.idle_timeout_minutes, change.idle_timeout_minutes):
        reasons.append("idle_timeout_longer")
    if _longer(policy.session_length_minutes, change.session_length_minutes):
        reasons.append("session_length_longer")
    if change.require_two_factor is False and policy.require_two_factor:
        reasons.append("two_factor_off")
    return tuple(reasons)


def _longer(saved: int, new: int | None) -> bool:
    """A session limit made longer, or removed (0), lets a stolen session live longer."""
    if new is None or new == saved:
        return False
    return new == 0 or (saved != 0 and new > saved)


def _covers(outer, inner) -> bool:
    return outer.version == inner.version and inner.subnet_of(outer)


def password_required(reasons: tuple[str, ...]) -> PasswordRequired:
    """The typed refusal for a change that weakens protection, worded for the admin."""
    what = {
        "allowlist_emptied": _("removes every Allowed IP Address (no restriction)"),
        "allowlist_widened": _("allows addresses the list did not allow"),
        "password_size_lowered": _("lowers the Password Size"),
        "api_token": _("puts a new API token in use"),
        "idle_timeout_longer": _("lets idle sessions last longer"),
        "session_length_longer": _("lets sessions last longer"),
        "two_factor_off": _("stops requiring two-step verification"),
    }
    return PasswordRequired(
        _("Confirm your password to save these changes: this Save %(what)s.")
        % {"what": "; ".join(str(what[reason]) for reason in reasons)},
        reasons,
    )


def stop_old_token(company, token_id: int, actor: Actor, *, recently_confirmed: bool):
    """ "Stop old token now": a token action, so it needs a fresh password like the others."""
    if not recently_confirmed:
        raise PasswordRequired(_("Confirm your password to stop the old token."), ("api_token",))
    return api_tokens.end_grace(company, token_id, actor)


def save_section(
    company,
    change: SectionChange,
    actor: Actor,
    *,
    client_address: IPv4Address | IPv6Address | None,
    recently_confirmed: bool,
) -> SaveResult:
    """Apply the whole Security Settings section in one transaction, or refuse it all.

    ``client_address`` is the address the admin saves from (the lock-out
    rule); ``recently_confirmed`` says whether they entered their password
    in the last minutes (sudo mode), which every change that weakens
    protection requires (``weakenings``).
    """
    check_lockout(change.entries, client_address)
    result = SaveResult()
    with transaction.atomic():
        # The row lock serializes saves: two admins saving at once are
        # applied one after the other, and the second sees the new revision.
        policy = lock_policy(company)
        if policy.revision != change.revision:
            raise StaleRevision(
                _(
                    "Another admin saved these settings after you opened this page. Nothing was "
                    "saved; the current settings are shown below. Make your changes again and save."
                )
            )
        # Judged against what is saved now, under the lock, so a concurrent
        # save cannot make a weakening change look like a tightening one.
        reasons = weakenings(company, policy, change)
        if reasons and not recently_confirmed:
            raise password_required(reasons)
        if _set_password_size_locked(policy, change.password_size, actor):
            result.changed.append("password_size")
        if _replace_allowlist_locked(company, change.entries, actor):
            result.changed.append("allowed_addresses")
        result.changed.extend(_set_session_limits_locked(policy, change, actor))
        if change.pending_token_id:
            pending = api_tokens.pending_token(company, actor.user, change.pending_token_id)
            if pending is None:
                raise PendingTokenGone(
                    _(
                        "The new token was discarded or is more than an hour old. Generate a new token and save again."
                    )
                )
            api_tokens.activate_locked(company, pending, change.grace, actor)
            result.changed.append("api_token")
        if _set_two_factor_locked(policy, change, actor):
            result.changed.append("require_two_factor")
        if result.changed:
            _bump(policy, actor)
        if {
            "allowed_addresses",
            "api_token",
            "require_two_factor",
            "idle_timeout",
            "session_length",
        } & set(result.changed):
            announce_change()
    return result


def replace_allowlist(company, entries: list[allowlist.Entry], actor: Actor) -> bool:
    """Replace the Allowed IP Addresses (an empty list: no restriction). True if it changed."""
    with transaction.atomic():
        policy = lock_policy(company)
        changed = _replace_allowlist_locked(company, entries, actor)
        if changed:
            _bump(policy, actor)
            announce_change()
    return changed


def clear_allowlist(company, actor: Actor) -> list[str]:
    """Break glass: remove every Allowed IP Address (`atom allowlist clear`).

    Takes the policy lock before reading the list, so a console save
    committing meanwhile is cleared too rather than surviving the clear.
    Returns the entries removed.
    """
    with transaction.atomic():
        policy = lock_policy(company)
        removed = list(
            AllowedAddress.objects.filter(company=company)
            .order_by("position")
            .values_list("network", flat=True)
        )
        AllowedAddress.objects.filter(company=company).delete()
        policy.revision += 1
        policy.save(update_fields=["revision", "updated_at"])
        record(
            "security.allowlist_cleared",
            company=company,
            actor=actor,
            details={"removed": removed},
        )
        notify(
            "allowlist.changed",
            company=company,
            actor=actor,
            details={"added": [], "removed": removed, "cleared": True},
        )
        announce_change()
    return removed


def set_password_size(company, size: int, actor: Actor) -> bool:
    """Set the minimum length of the company's user passwords. True if it changed."""
    with transaction.atomic():
        policy = lock_policy(company)
        changed = _set_password_size_locked(policy, size, actor)
        if changed:
            _bump(policy, actor)
    return changed


def set_rate_limit(company, limit: int | None, actor: Actor) -> bool:
    """Requests per second for the company's API calls; None: the operator default."""
    with transaction.atomic():
        lock_policy(company)
        # Read under the lock: the caller's copy may predate another save.
        old = type(company).objects.values_list("api_rate_limit", flat=True).get(pk=company.pk)
        company.api_rate_limit = limit
        if old == limit:
            return False
        company.save(update_fields=["api_rate_limit"])
        record(
            "company.rate_limit_changed",
            company=company,
            actor=actor,
            details={"from": old, "to": limit},
        )
        announce_change()
    return True


def _bump(policy, actor: Actor) -> None:
    policy.revision += 1
    policy.updated_by = actor.user
    policy.save()


def _set_two_factor_locked(policy, change: SectionChange, actor: Actor) -> bool:
    """Require (or stop requiring) two-step verification; the deadline is now plus the grace."""
    wanted = change.require_two_factor
    if wanted is None or wanted == policy.require_two_factor:
        return False
    if wanted:
        from atom.twofactor.services import has_second_factor

        # Like the allowlist's own-address rule: the admin turning it on
        # must not be the first person it locks out.
        if actor.user is not None and not has_second_factor(actor.user):
            raise TwoFactorFirst(
                _(
                    "Set up two-step verification for your own account first (Two-step "
                    "verification, in the account menu), then require it for everyone."
                )
            )
        policy.two_factor_deadline = timezone.now() + change.two_factor_grace
    else:
        policy.two_factor_deadline = None
    policy.require_two_factor = wanted
    record(
        "security.two_factor_required" if wanted else "security.two_factor_not_required",
        company=policy.company,
        actor=actor,
        details={"grace_hours": int(change.two_factor_grace.total_seconds() // 3600)}
        if wanted
        else {},
    )
    notify("two_factor.required", company=policy.company, actor=actor, details={"required": wanted})
    return True


def _set_password_size_locked(policy, size: int, actor: Actor) -> bool:
    if policy.password_size == size:
        return False
    record(
        "security.password_size_changed",
        company=policy.company,
        actor=actor,
        details={"from": policy.password_size, "to": size},
    )
    notify(
        "password_size.changed",
        company=policy.company,
        actor=actor,
        details={"from": policy.password_size, "to": size},
    )
    policy.password_size = size
    return True


def _replace_allowlist_locked(company, entries: list[allowlist.Entry], actor: Actor) -> bool:
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
        company=company,
        actor=actor,
        details={"added": added, "removed": removed, "relabeled": relabeled, "count": len(new)},
    )
    if added or removed:
        notify(
            "allowlist.changed",
            company=company,
            actor=actor,
            details={"added": added, "removed": removed},
        )
    return True


def _set_session_limits_locked(policy, change: SectionChange, actor: Actor) -> list[str]:
    """Apply the Idle timeout and Maximum session length; the names of those that changed."""
    changed = []
    for name, attribute, value, action in (
        (
            "idle_timeout",
            "idle_timeout_minutes",
            change.idle_timeout_minutes,
            "security.idle_timeout_changed",
        ),
        (
            "session_length",
            "session_length_minutes",
            change.session_length_minutes,
            "security.session_length_changed",
        ),
    ):
        old = getattr(policy, attribute)
        if value is None or value == old:
            continue
        record(
            action,
            company=policy.company,
            actor=actor,
            details={"from_minutes": old, "to_minutes": value},
        )
        setattr(policy, attribute, value)
        changed.append(name)
    return changed
