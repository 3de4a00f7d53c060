"""Integration tokens: one named, scoped, expiring, address-bound token per integration.

The company API Token stays what the help page says: one token for every
connection. Beside it, owners and admins give each integration (a shop, a
CRM, a SIEM) a token of its own with only the scopes it needs, an expiry and
optionally its own Allowed IP Addresses, so one can be rotated or revoked
without touching the others, and a leak opens only what that token could.

Only the digest is stored: the clear token is returned once by ``create``
and ``rotate`` and never again. Every function takes the ``Actor`` making
the change, locks the company's policy row first (atom.security.locks),
records its audit event and announces the change in its transaction, so
every process enforces it within the propagation bound.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.security.changes import announce_change
from atom.security.core import allowlist, scopes, token_expiry, tokens
from atom.security.core.matcher import Network
from atom.security.locks import lock_policy
from atom.security.models import (
    AllowedAddress,
    IntegrationToken,
    IntegrationTokenPolicy,
)

# The longest list a token may carry of its own; the company's own limit.
MAX_OWN_ADDRESSES = 1000
NAME_MAX = IntegrationToken._meta.get_field("name").max_length
DESCRIPTION_MAX = IntegrationToken._meta.get_field("description").max_length


class Refused(Exception):
    """What was wrong with a request to create a token, field by field (translated)."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in problems.values() for m in ms))
        self.problems = problems


@dataclass(frozen=True)
class NewToken:
    """A checked request for a token; build it with ``check``."""

    name: str
    description: str
    scopes: tuple[str, ...]
    expires_at: datetime | None
    networks: tuple[str, ...]


def translate(error) -> str:
    # Imported here: forms import the services, never the other way round.
    from atom.security.forms import translate as translate_error

    return translate_error(error)


def max_lifetime(company) -> int | None:
    """The company's maximum lifetime of new integration tokens, in days; None: none."""
    return (
        IntegrationTokenPolicy.objects.filter(company=company)
        .values_list("max_lifetime_days", flat=True)
        .first()
    )


def check(
    company,
    *,
    name: str,
    description: str,
    scope_values: Iterable[str],
    expiry: str,
    expiry_date: str = "",
    addresses: str = "",
    now: datetime | None = None,
) -> NewToken:
    """A create request, checked whole: every problem at once, or a NewToken.

    :raises Refused: naming each field and the rule it broke.
    """
    now = now or timezone.now()
    problems: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        problems["name"] = [_("Name: enter a name, for example the integration's (“Shop”).")]
    elif len(name) > NAME_MAX:
        problems["name"] = [
            _("Name: at most %(maximum)d characters; this one has %(length)d.")
            % {"maximum": NAME_MAX, "length": len(name)}
        ]
    elif not name.isprintable():
        problems["name"] = [_("Name: remove the control characters.")]
    elif _name_taken(company, name):
        problems["name"] = [_name_taken_message(name)]
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = [
            _("Description: at most %(maximum)d characters; this one has %(length)d.")
            % {"maximum": DESCRIPTION_MAX, "length": len(description)}
        ]
    granted: tuple[str, ...] = ()
    try:
        granted = scopes.parse(scope_values)
    except scopes.ScopeError as error:
        problems["scopes"] = [translate(error)]
    expires_at = None
    try:
        expires_at = token_expiry.resolve(expiry, expiry_date, now, max_lifetime(company))
    except token_expiry.ExpiryError as error:
        problems["expiry"] = [translate(error)]
    networks, address_problems = _check_addresses(company, addresses)
    if address_problems:
        problems["addresses"] = address_problems
    if problems:
        raise Refused(problems)
    return NewToken(name, description, granted, expires_at, networks)


def _name_taken(company, name: str) -> bool:
    return IntegrationToken.objects.filter(
        company=company, name__iexact=name, revoked_at__isnull=True
    ).exists()


def _name_taken_message(name: str) -> str:
    return _(
        "Name: your company already has a token named %(name)s; choose another name, or "
        "revoke that token first."
    ) % {"name": name}


def _check_addresses(company, text: str) -> tuple[tuple[str, ...], list[str]]:
    """The token's own list, each entry inside the company's list when it has one."""
    from atom.security.forms import entry_message

    parsed = allowlist.parse_lines(
        text,
        allow_private=settings.ATOM_ALLOW_PRIVATE_ADDRESSES,
        max_entries=MAX_OWN_ADDRESSES,
    )
    problems = [
        _("Allowed IP Addresses: %(message)s") % {"message": entry_message(e)}
        for e in parsed.errors
    ]
    company_networks = [
        allowlist.parse_network(text, allow_private=True)
        for text in AllowedAddress.objects.filter(company=company).values_list("network", flat=True)
    ]
    if company_networks:
        for entry in parsed.entries:
            if not _inside(entry.network, company_networks):
                problems.append(
                    _(
                        "Allowed IP Addresses: %(entry)s is not inside your company's Allowed IP "
                        "Addresses; a token's own list can only narrow the company's."
                    )
                    % {"entry": entry.text}
                )
    return tuple(entry.text for entry in parsed.entries), problems


def _inside(network: Network, company_networks: list[Network]) -> bool:
    return any(
        network.version == wider.version and network.subnet_of(wider)  # type: ignore[arg-type]
        for wider in company_networks
    )


def create(company, new: NewToken, actor: Actor) -> tuple[IntegrationToken, str]:
    """Issue the token ``new`` describes; returns the row and the clear token, shown once.

    :raises Refused: the name was taken meanwhile (another admin's create).
    """
    clear = tokens.generate(tokens.INTEGRATION_PREFIX)
    try:
        with transaction.atomic():
            lock_policy(company)
            if _name_taken(company, new.name):
                raise Refused({"name": [_name_taken_message(new.name)]})
            row = IntegrationToken.objects.create(
                company=company,
                name=new.name,
                description=new.description,
                scopes=list(new.scopes),
                allowed_networks=list(new.networks),
                digest=tokens.digest(clear),
                last4=tokens.last4(clear),
                expires_at=new.expires_at,
                created_by=actor.user,
                created_by_label=actor.label,
            )
            record(
                "integration.created",
                company=company,
                actor=actor,
                details={
                    "name": row.name,
                    "last4": row.last4,
                    "scopes": list(new.scopes),
                    "expires_at": new.expires_at.isoformat() if new.expires_at else None,
                    "addresses": list(new.networks),
                },
            )
            announce_change()
    except IntegrityError:
        raise Refused({"name": [_name_taken_message(new.name)]}) from None
    return row, clear


def _locked(company, token_id: int) -> IntegrationToken | None:
    return (
        IntegrationToken.objects.select_for_update()
        .filter(company=company, id=token_id, revoked_at__isnull=True)
        .first()
    )


def rotate(
    company, token_id: int, grace: timedelta, actor: Actor
) -> tuple[IntegrationToken, str] | None:
    """A new secret for the same token; the old one works for ``grace`` more.

    Name, scopes, expiry and addresses stay: only the secret changes, so the
    integration's owner swaps one value in one place. None: no such live
    token (an expired one needs a new token, with a new expiry, not a new
    secret).
    """
    clear = tokens.generate(tokens.INTEGRATION_PREFIX)
    now = timezone.now()
    with transaction.atomic():
        lock_policy(company)
        row = _locked(company, token_id)
        if row is None or (row.expires_at is not None and row.expires_at <= now):
            return None
        old_last4 = row.last4
        if grace:
            row.previous_digest = row.digest
            row.previous_last4 = row.last4
            row.previous_ends_at = now + grace
        else:
            row.previous_digest = None
            row.previous_last4 = ""
            row.previous_ends_at = None
        row.digest = tokens.digest(clear)
        row.last4 = tokens.last4(clear)
        row.rotated_at = now
        row.save()
        record(
            "integration.rotated",
            company=company,
            actor=actor,
            details={
                "name": row.name,
                "last4": row.last4,
                "old_last4": old_last4,
                "grace_seconds": int(grace.total_seconds()),
                "old_stops_at": (now + grace).isoformat(),
            },
        )
        announce_change()
    return row, clear


def revoke(company, token_id: int, actor: Actor) -> IntegrationToken | None:
    """Stop a token (and its grace-period predecessor) at once. None: no such token."""
    with transaction.atomic():
        lock_policy(company)
        row = _locked(company, token_id)
        if row is None:
            return None
        row.revoked_at = timezone.now()
        row.previous_digest = None
        row.previous_ends_at = None
        row.save(update_fields=["revoked_at", "previous_digest", "previous_ends_at"])
        record(
            "integration.revoked",
            company=company,
            actor=actor,
            details={"name": row.name, "last4": row.last4},
        )
        announce_change()
    return row


def set_max_lifetime(company, days: int | None, actor: Actor) -> bool:
    """The company's maximum lifetime of new tokens (None: none). True if it changed.

    Tokens already issued keep their expiry: shortening a lifetime must not
    break a running integration without warning. Nothing on the request path
    reads it, so there is nothing to announce.
    """
    with transaction.atomic():
        lock_policy(company)
        policy, _created = IntegrationTokenPolicy.objects.select_for_update().get_or_create(
            company=company
        )
        old = policy.max_lifetime_days
        if old == days:
            return False
        policy.max_lifetime_days = days
        policy.save()
        record(
            "integration.max_lifetime_changed",
            company=company,
            actor=actor,
            details={"from": old, "to": days},
        )
    return True


def company_tokens(company) -> list[IntegrationToken]:
    """The company's tokens, live ones first, then revoked, each group by name."""
    rows = IntegrationToken.objects.filter(company=company).select_related("created_by")
    return sorted(rows, key=lambda row: (row.revoked_at is not None, row.name.lower(), row.id))


def status(row: IntegrationToken, now: datetime | None = None) -> str:
    return token_expiry.status(row.revoked_at is not None, row.expires_at, now or timezone.now())


def _remind(row: IntegrationToken, days: int) -> None:
    from atom.mail.notify import notify

    actor = Actor.system()
    with transaction.atomic():
        record(
            "integration.expiring",
            company=row.company,
            actor=actor,
            details={
                "name": row.name,
                "last4": row.last4,
                "days": days,
                "expires_at": row.expires_at.isoformat(),
            },
        )
        # Worded in each recipient's language by notify; the moment as ISO
        # 8601 in UTC, which reads the same in every language.
        expires = row.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        notify(
            "integration_token.expiring",
            company=row.company,
            actor=actor,
            details={"name": row.name, "last4": row.last4, "expires": expires},
        )


def remind_and_expire(now: datetime | None = None) -> tuple[int, int]:
    """Audit reminders 7 and 1 days before expiry, and expiries, once each. (reminded, expired).

    Run by `atom token remind` (hourly, beside `atom prune`), never on the
    request path: the gate compares each token's expiry with the clock.
    """
    now = now or timezone.now()
    reminded = expired = 0
    live = IntegrationToken.objects.filter(revoked_at__isnull=True, expires_at__isnull=False)
    for row in live.filter(expires_at__lte=now, expiry_recorded=False).select_related("company"):
        if IntegrationToken.objects.filter(id=row.id, expiry_recorded=False).update(
            expiry_recorded=True
        ):
            record(
                "integration.expired",
                company=row.company,
                actor=Actor.system(),
                details={"name": row.name, "last4": row.last4},
            )
            expired += 1
    for days in token_expiry.REMINDER_DAYS:
        due = live.filter(expires_at__gt=now, expires_at__lte=now + timedelta(days=days))
        for row in due.exclude(reminded_days__lte=days).select_related("company"):
            # The conditional update makes exactly one process remind.
            claimed = (
                IntegrationToken.objects.filter(id=row.id)
                .exclude(reminded_days__lte=days)
                .update(reminded_days=days)
            )
            if claimed:
                _remind(row, days)
                reminded += 1
    return reminded, expired
