"""The last use of an integration token, and the first use from each address.

The gate's only writes for integration tokens, rate-limited like the company
token's last-use stamp: at most once per token, address and interval per
process (atom.security.runtime.state.last_use_due). A new address is
remembered in IntegrationTokenAddress, whose unique constraint lets exactly
one process audit it and tell the admins.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.security.models import IntegrationToken, IntegrationTokenAddress


def note_use(token_id: int, address: str | None, user_agent: str, interval: float) -> None:
    moment = timezone.now()
    IntegrationToken.objects.filter(id=token_id).filter(
        Q(last_used_at__isnull=True)
        | Q(last_used_at__lt=moment - timedelta(seconds=interval))
        | ~Q(last_used_ip=address)
    ).update(last_used_at=moment, last_used_ip=address, last_used_user_agent=user_agent[:300])
    if address is not None:
        note_address(token_id, address)


def note_address(token_id: int, address: str) -> bool:
    """True (audited, and the admins told) the first time the token comes from ``address``.

    The first address of all is audited but not mailed: it is where the
    integration was set up. Every later new one is news to the admins.
    """
    if IntegrationTokenAddress.objects.filter(token_id=token_id, address=address).exists():
        return False
    try:
        with transaction.atomic():
            IntegrationTokenAddress.objects.create(token_id=token_id, address=address)
            row = IntegrationToken.objects.select_related("company").get(id=token_id)
            actor = Actor.system()
            record(
                "integration.new_address",
                company=row.company,
                actor=actor,
                ip=address,
                details={"name": row.name, "last4": row.last4, "address": address},
            )
            if IntegrationTokenAddress.objects.filter(token_id=token_id).count() > 1:
                from atom.mail.notify import notify

                notify(
                    "token.new_address",
                    company=row.company,
                    actor=actor,
                    details={"last4": row.last4, "address": address, "name": row.name},
                )
    except IntegrityError:
        return False  # another process recorded it first
    return True
