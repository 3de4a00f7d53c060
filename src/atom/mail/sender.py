"""Sending the queued security emails: claim, send, mark, retry.

At most once per claim, at least once overall: a row is claimed with a
lease (status "sending", ``lease_until``, the worker's ``claimed_by``),
handed to the SMTP server, and marked sent only after the server accepted
it, by the worker that still holds the claim. A worker that crashes after
claiming leaves the lease to lapse, and the row goes out with the next
worker. The only window for a duplicate is a crash between the server's
acceptance and the mark; each email carries a Message-ID fixed by its row,
so a receiving server or client can drop the second copy.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from atom.mail.models import SecurityEmail, Status

log = logging.getLogger(__name__)


def claim(limit: int) -> tuple[str, list[int]]:
    """Take up to ``limit`` due rows for this worker; (the claim's id, the rows' ids)."""
    worker = uuid.uuid4().hex
    now = timezone.now()
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_until__lte=now
    )
    with transaction.atomic():
        ids = list(
            SecurityEmail.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        SecurityEmail.objects.filter(id__in=ids).update(
            status=Status.SENDING,
            claimed_by=worker,
            lease_until=now + timedelta(seconds=settings.ATOM_EMAIL_LEASE_SECONDS),
        )
    return worker, ids


def send_due(limit: int = 50) -> tuple[int, int]:
    """Send what is due now; (sent, failed attempts)."""
    worker, ids = claim(limit)
    if not ids:
        return 0, 0
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    try:
        for row in SecurityEmail.objects.filter(id__in=ids, claimed_by=worker).order_by("id"):
            try:
                _message(row, connection).send()
            except Exception as exc:  # noqa: BLE001 - any failure is retried, never lost
                failed += 1
                _failed(row, worker, exc)
            else:
                sent += 1
                SecurityEmail.objects.filter(id=row.id, claimed_by=worker).update(
                    status=Status.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
                )
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - the connection may never have opened
            pass
    return sent, failed


def _message(row: SecurityEmail, connection) -> EmailMessage:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "atom.localhost"
    return EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        connection=connection,
        headers={"Message-ID": f"<atom-security-email-{row.id}@{domain}>"},
    )


def _failed(row: SecurityEmail, worker: str, exc: Exception) -> None:
    attempts = row.attempts + 1
    # The error names what failed (a refused connection, a 5xx reply); the
    # message itself is never logged, only its row id.
    reason = f"{type(exc).__name__}: {exc}"[:500]
    final = attempts >= settings.ATOM_EMAIL_MAX_ATTEMPTS
    delay = min(60 * 2 ** (attempts - 1), 3600)
    SecurityEmail.objects.filter(id=row.id, claimed_by=worker).update(
        status=Status.FAILED if final else Status.PENDING,
        attempts=attempts,
        last_error=reason,
        lease_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    log.warning(
        "security email %s: attempt %s failed (%s)%s",
        row.id,
        attempts,
        type(exc).__name__,
        "; giving up" if final else f"; retrying in {delay}s",
    )
