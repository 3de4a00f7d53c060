"""What the gate writes about a token's use: its last use, and each new address.

The gate's only writes, rate-limited: at most once per token, address and
interval per process (atom.security.runtime.state.last_use_due). The
conditional updates make every process but the first in each interval a
no-op, so hosts do not take turns writing. A new address is remembered in
ApiTokenAddress / IntegrationTokenAddress, whose unique constraint lets
exactly one process audit it and tell the company's owners and admins.

The first address a token is ever used from is audited but not mailed: it
is where the integration was set up. Every later new one is news to the
admins (atom.mail, event "token.new_address").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.security.models import (
    ApiToken,
    ApiTokenAddress,
    IntegrationToken,
    IntegrationTokenAddress,
)


def note_use(token_id: int, address: str | None, user_agent: str, interval: float) -> None:
    """The company token's last use, and its first use from ``address``."""
    _stamp(ApiToken, token_id, address, user_agent, interval, follow_address=False)
    if address is None or not _first_time(ApiTokenAddress, token_id, address):
        return
    row = ApiToken.objects.select_related("company").get(id=token_id)
    details = {"last4": row.last4, "address": address}
    _tell(row, "token.new_address", details, ApiTokenAddress, address)


def note_integration_use(
    token_id: int, address: str | None, user_agent: str, interval: float
) -> None:
    """An integration token's last use, and its first use from ``address``."""
    _stamp(IntegrationToken, token_id, address, user_agent, interval, follow_address=True)
    if address is None or not _first_time(IntegrationTokenAddress, token_id, address):
        return
    row = IntegrationToken.objects.select_related("company").get(id=token_id)
    details = {"name": row.name, "last4": row.last4, "address": address}
    _tell(row, "integration.new_address", details, IntegrationTokenAddress, address)


def _stamp(
    model: Any,
    token_id: int,
    address: str | None,
    user_agent: str,
    interval: float,
    *,
    follow_address: bool,
) -> None:
    """Write the last use at most once per interval (or, ``follow_address``, on a move).

    An integration token's list shows where it is used from now, so a move
    is written at once; the company token's grace table needs only "still
    used lately", once per interval.
    """
    moment = timezone.now()
    due = Q(last_used_at__isnull=True) | Q(last_used_at__lt=moment - timedelta(seconds=interval))
    if follow_address:
        due |= ~Q(last_used_ip=address)
    model.objects.filter(id=token_id).filter(due).update(
        last_used_at=moment, last_used_ip=address, last_used_user_agent=user_agent[:300]
    )


def _first_time(model: Any, token_id: int, address: str) -> bool:
    """Remember ``address`` for the token; True only for the one process that did."""
    if model.objects.filter(token_id=token_id, address=address).exists():
        return False
    try:
        with transaction.atomic():
            model.objects.create(token_id=token_id, address=address)
    except IntegrityError:
        return False  # another process remembered it first
    return True


def _tell(row: Any, action: str, details: dict[str, str], seen: Any, address: str) -> None:
    from atom.mail.notify import notify

    with transaction.atomic():
        record(action, company=row.company, actor=Actor.system(), ip=address, details=details)
        if seen.objects.filter(token_id=row.id).count() > 1:
            notify("token.new_address", company=row.company, actor=Actor.system(), details=details)
