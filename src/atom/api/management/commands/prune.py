"""`atom prune`: delete idempotency keys past their 24 hours, end lapsed token periods.

A key only counts for 24 hours (ATOM_IDEMPOTENCY_KEY_HOURS, see
atom.api.idempotency), but its record stays until something deletes it:
without this, the table grows by one row per keyed request forever. Run it daily or hourly (docs/deploy.md has a systemd
timer). Deleting in small batches keeps each transaction, and the locks it
holds, short while Atom serves; running it twice, or on two hosts at once,
is harmless.

It also marks ended grace periods as expired and lapsed pending tokens as
discarded (audited once each), and sends the reminders of integration
tokens about to expire (7 days and 1 day before, once each). Enforcement never waits for it: the gate
compares every token's expiry with the clock, and the request path itself
never writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from atom.api.idempotency import lifetime
from atom.api.models import IdempotencyKey
from atom.security.api_tokens import expire_due
from atom.security.integrations import remind_and_expire


class Command(BaseCommand):
    help = (
        "Delete Idempotency-Key records older than 24 hours, mark ended token grace "
        "periods as expired and remind of expiring integration tokens (run it hourly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="records per transaction (default 5000)"
        )

    def handle(self, *args, batch_size, **options):
        if not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size must be from 1 to 100000.")
        cutoff = timezone.now() - lifetime()
        expired = IdempotencyKey.objects.filter(created_at__lt=cutoff)
        deleted = 0
        while True:
            ids = list(expired.order_by("id").values_list("id", flat=True)[:batch_size])
            if not ids:
                break
            count, _ = expired.filter(id__in=ids).delete()
            deleted += count
        hours = settings.ATOM_IDEMPOTENCY_KEY_HOURS
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {hours} hours.")
        expired_tokens = expire_due()
        self.stdout.write(f"Marked {expired_tokens} old API tokens whose grace period ended as expired.")
        # Hourly, like this command: reminders 7 days and 1 day before an
        # integration token expires, and the expiry itself, once each.
        reminded, lapsed = remind_and_expire()
        self.stdout.write(
            f"Reminded owners and admins of {reminded} expiring integration tokens; "
            f"recorded {lapsed} expired ones."
        )
