"""The life of a company's API token: issue, reveal, generate, save, retire.

A company has exactly one active token at any time (a partial unique index
enforces it). "Generate new Token" makes a *pending* token that works
nowhere until an admin saves it; saving makes it active and retires the old
one, either at once or after a grace period (Stripe's "roll key"), during
which the admin sees when each old token was last used.

Every function that changes a token takes the ``Actor`` making the change
and follows the lock order of atom.security.locks; the console and the
`atom token` command call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.mail.notify import notify
from atom.security.changes import announce_change
from atom.security.core import tokens
from atom.security.keyring import vault
from atom.security.locks import lock_policy
from atom.security.models import ApiToken, TokenStatus

GRACE_CHOICES: dict[str, timedelta] = {
    "0": timedelta(0),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}


def pending_lifetime() -> timedelta:
    """How long a generated token waits for its Save (read at call time)."""
    return timedelta(minutes=getattr(settings, "ATOM_PENDING_TOKEN_MINUTES", 60))


def masked(token: ApiToken) -> str:
    return tokens.mask(token.last4)


def reveal(row: ApiToken) -> str:
    return vault().decrypt(row.ciphertext)


def active_token(company) -> ApiToken | None:
    return ApiToken.objects.filter(company=company, status=TokenStatus.ACTIVE).first()


def grace_tokens(company) -> list[ApiToken]:
    now = timezone.now()
    return list(
        ApiToken.objects.filter(
            company=company, status=TokenStatus.GRACE, expires_at__gt=now
        ).order_by("expires_at")
    )


def pending_token(company, user, token_id: int | None = None) -> ApiToken | None:
    """This user's unsaved token, if it has not lapsed."""
    found = ApiToken.objects.filter(
        company=company, created_by=user, status=TokenStatus.PENDING, expires_at__gt=timezone.now()
    )
    if token_id is not None:
        found = found.filter(id=token_id)
    return found.order_by("-created_at").first()


def _issue(
    company, status: str, *, created_by=None, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    clear = tokens.generate()
    row = ApiToken.objects.create(
        company=company,
        status=status,
        digest=tokens.digest(clear),
        ciphertext=vault().encrypt(clear),
        last4=tokens.last4(clear),
        created_by=created_by,
        activated_at=timezone.now() if status == TokenStatus.ACTIVE else None,
        expires_at=expires_at,
    )
    return row, clear


def create_initial(company, actor: Actor | None = None) -> ApiToken:
    """Every company has an active token from its creation."""
    with transaction.atomic():
        row, _clear = _issue(company, TokenStatus.ACTIVE)
        record(
            "token.created",
            company=company,
            actor=actor or Actor.system(),
            details={"last4": row.last4},
        )
        announce_change()
    return row


def discard_pending(company, actor: Actor) -> list[str]:
    """Forget this user's unsaved tokens, on purpose; audited. Returns their last 4 characters.

    A pending token is kept until it is saved, discarded here (the admin's
    "Discard new token", or a newer Generate), or lapses: opening the page
    again, in this tab or another, never loses it. Valid nowhere, so there
    is nothing to announce.
    """
    with transaction.atomic():
        rows = list(
            ApiToken.objects.select_for_update()
            .filter(company=company, created_by=actor.user, status=TokenStatus.PENDING)
            .values_list("id", "last4")
        )
        if not rows:
            return []
        ApiToken.objects.filter(id__in=[row_id for row_id, _last4 in rows]).update(
            status=TokenStatus.DISCARDED, ended_at=timezone.now()
        )
        discarded = [last4 for _row_id, last4 in rows]
        for last4 in discarded:
            record("token.discarded", company=company, actor=actor, details={"last4": last4})
    return discarded


def generate_pending(company, actor: Actor) -> ApiToken:
    """A new token shown to the admin but valid nowhere until saved."""
    with transaction.atomic():
        discard_pending(company, actor)
        row, _clear = _issue(
            company,
            TokenStatus.PENDING,
            created_by=actor.user,
            expires_at=timezone.now() + pending_lifetime(),
        )
        record("token.generated", company=company, actor=actor, details={"last4": row.last4})
    return row


@dataclass(frozen=True)
class Activation:
    new: ApiToken
    old: ApiToken | None
    grace: timedelta


def activate_locked(company, pending: ApiToken, grace: timedelta, actor: Actor) -> Activation:
    """Make ``pending`` the active token and retire the old one.

    The caller holds the company's policy lock (atom.security.locks), so
    two saves cannot both activate a token; the caller announces.
    """
    now = timezone.now()
    old = (
        ApiToken.objects.select_for_update()
        .filter(company=company, status=TokenStatus.ACTIVE)
        .first()
    )
    if old is not None:
        if grace:
            old.status = TokenStatus.GRACE
            old.expires_at = now + grace
        else:
            old.status = TokenStatus.REVOKED
            old.ended_at = now
        old.save(update_fields=["status", "expires_at", "ended_at"])
    pending.status = TokenStatus.ACTIVE
    pending.activated_at = now
    pending.expires_at = None
    pending.save(update_fields=["status", "activated_at", "expires_at"])
    record(
        "token.activated",
        company=company,
        actor=actor,
        details={
            "last4": pending.last4,
            "old_last4": old.last4 if old else None,
            "grace_seconds": int(grace.total_seconds()),
            "old_stops_at": old.expires_at.isoformat() if old and grace else now.isoformat(),
        },
    )
    notify("token.saved", company=company, actor=actor, details={"last4": pending.last4})
    return Activation(new=pending, old=old, grace=grace)


def end_grace(company, token_id: int, actor: Actor) -> ApiToken | None:
    """Stop an old token now instead of at the end of its grace period."""
    with transaction.atomic():
        lock_policy(company)
        row = (
            ApiToken.objects.select_for_update()
            .filter(company=company, id=token_id, status=TokenStatus.GRACE)
            .first()
        )
        if row is None:
            return None
        row.status = TokenStatus.REVOKED
        row.ended_at = timezone.now()
        row.save(update_fields=["status", "ended_at"])
        record(
            "token.revoked",
            company=company,
            actor=actor,
            details={"last4": row.last4, "early": True},
        )
        notify("token.stopped", company=company, actor=actor, details={"last4": row.last4})
        announce_change()
    return row


def rotate(company, grace: timedelta, actor: Actor) -> tuple[ApiToken, str]:
    """Issue and save a new token in one step: the break-glass rotation of a leaked token."""
    with transaction.atomic():
        lock_policy(company)
        pending, clear = _issue(
            company, TokenStatus.PENDING, expires_at=timezone.now() + pending_lifetime()
        )
        activate_locked(company, pending, grace, actor)
        record(
            "token.rotated",
            company=company,
            actor=actor,
            details={"last4": pending.last4, "grace_seconds": int(grace.total_seconds())},
        )
        announce_change()
    return pending, clear


def expire_due() -> int:
    """Mark grace periods that ended as expired (audited once each), and lapse pending tokens.

    Run by `atom prune`, never on the request path: enforcement compares
    each token's expiry with the clock (atom.security.runtime.state), so
    this only keeps the record and the audit log true.
    """
    now = timezone.now()
    count = 0
    for row in ApiToken.objects.filter(status=TokenStatus.GRACE, expires_at__lte=now).only(
        "id", "company_id", "last4", "expires_at"
    ):
        # The conditional update makes exactly one process record each expiry.
        if ApiToken.objects.filter(id=row.id, status=TokenStatus.GRACE).update(
            status=TokenStatus.EXPIRED, ended_at=row.expires_at
        ):
            record(
                "token.expired",
                company=row.company,
                actor=Actor.system(),
                details={"last4": row.last4},
            )
            count += 1
    ApiToken.objects.filter(status=TokenStatus.PENDING, expires_at__lte=now).update(
        status=TokenStatus.DISCARDED, ended_at=now
    )
    return count
