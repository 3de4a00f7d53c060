"""The life of a company's API token: issue, reveal, generate, activate, retire.

A company has exactly one active token at any time (a partial unique index
enforces it). "Generate new Token" makes a *pending* token that works
nowhere until an admin saves it; saving makes it active and retires the old
one, either at once or after a grace period (Stripe's "roll key"), during
which the admin sees when each old token was last used.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from atom.audit.log import record
from atom.security.core import tokens
from atom.security.core.vault import TokenVault, derive_key, parse_keys
from atom.security.models import ApiToken, TokenStatus
from atom.security.runtime.state import announce_change

PENDING_LIFETIME = timedelta(hours=1)
GRACE_CHOICES: dict[str, timedelta] = {
    "0": timedelta(0),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}


@lru_cache(maxsize=4)
def _keys_for(
    keys_text: str | None, secret_key: str, fallbacks: tuple[str, ...]
) -> tuple[bytes, ...]:
    # The first key encrypts: ATOM_TOKEN_KEYS's first, else the one derived
    # from SECRET_KEY. Keys derived from SECRET_KEY and each of its
    # fallbacks always decrypt too, so rotating the secret key (or moving to
    # ATOM_TOKEN_KEYS) never strands a token: `atom reencrypt-tokens` then
    # moves every ciphertext to the first key, and the old one can go.
    explicit = parse_keys(keys_text) if keys_text else []
    keys: dict[bytes, bytes] = {}
    for key in [*explicit, *(derive_key(secret) for secret in (secret_key, *fallbacks))]:
        keys.setdefault(base64.urlsafe_b64decode(key), key)
    return tuple(keys.values())


@lru_cache(maxsize=4)
def _vault_for(keys: tuple[bytes, ...]) -> TokenVault:
    return TokenVault(keys)


def token_keys() -> tuple[bytes, ...]:
    """The keys configured now, the encrypting one first (read at call time, cached by value)."""
    return _keys_for(
        settings.ATOM_TOKEN_KEYS, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS)
    )


def vault() -> TokenVault:
    """The vault for the keys configured now: the first encrypts, all decrypt."""
    return _vault_for(token_keys())


def masked(token: ApiToken) -> str:
    return tokens.mask(token.last4)


def actor_label(token_last4: str) -> str:
    """How a token appears in the audit log: masked, never in clear."""
    return tokens.mask(token_last4)


def issue(
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


def create_initial(company) -> ApiToken:
    """Every company has an active token from its creation."""
    with transaction.atomic():
        row, _clear = issue(company, TokenStatus.ACTIVE)
        record(
            "token.created",
            company=company,
            actor_type="system",
            actor_label="Atom",
            details={"last4": row.last4},
        )
        announce_change()
    return row


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


def discard_pending(company, user) -> int:
    return ApiToken.objects.filter(
        company=company, created_by=user, status=TokenStatus.PENDING
    ).update(status=TokenStatus.DISCARDED, ended_at=timezone.now())


def generate_pending(company, user, *, request=None) -> ApiToken:
    """A new token shown to the admin but valid nowhere until saved."""
    with transaction.atomic():
        discard_pending(company, user)
        row, _clear = issue(
            company,
            TokenStatus.PENDING,
            created_by=user,
            expires_at=timezone.now() + PENDING_LIFETIME,
        )
        record("token.generated", request=request, details={"last4": row.last4})
    return row


@dataclass(frozen=True)
class Activation:
    new: ApiToken
    old: ApiToken | None
    grace: timedelta


def activate(
    company, pending: ApiToken, grace: timedelta, *, request=None, actor_type=None
) -> Activation:
    """Make ``pending`` the active token and retire the old one.

    Must run inside the transaction that locked the company's security
    policy row, so two saves cannot both activate a token.
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
        request=request,
        actor_type=actor_type,
        actor_label="operator" if actor_type == "operator" else "",
        details={
            "last4": pending.last4,
            "old_last4": old.last4 if old else None,
            "grace_seconds": int(grace.total_seconds()),
            "old_stops_at": old.expires_at.isoformat() if old and grace else now.isoformat(),
        },
    )
    announce_change()
    return Activation(new=pending, old=old, grace=grace)


def end_grace(company, token_id: int, *, request=None) -> ApiToken | None:
    """Stop an old token now instead of at the end of its grace period."""
    with transaction.atomic():
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
            request=request,
            details={"last4": row.last4, "early": True},
        )
        announce_change()
    return row


def rotate_by_operator(company, grace: timedelta) -> tuple[ApiToken, str]:
    """The break-glass rotation for a leaked token (`atom token rotate`)."""
    with transaction.atomic():
        pending, clear = issue(
            company, TokenStatus.PENDING, expires_at=timezone.now() + PENDING_LIFETIME
        )
        activate(company, pending, grace, actor_type="operator")
        record(
            "token.rotated",
            company=company,
            actor_type="operator",
            actor_label="operator",
            details={"last4": pending.last4, "grace_seconds": int(grace.total_seconds())},
        )
    return pending, clear


def expire_due() -> int:
    """Mark grace periods that ended as expired (audited once each), and lapse pending tokens.

    Enforcement never waits for this: the gate compares the expiry with the
    clock. This only keeps the record and the audit log true.
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
                actor_type="system",
                actor_label="Atom",
                details={"last4": row.last4},
            )
            count += 1
    ApiToken.objects.filter(status=TokenStatus.PENDING, expires_at__lte=now).update(
        status=TokenStatus.DISCARDED, ended_at=now
    )
    return count
