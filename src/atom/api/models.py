"""What the API kernel stores: the idempotency keys of retried requests."""

from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` a company used, and what its first request created.

    One table for every keyed endpoint (flow webhooks and template sends):
    the fingerprint covers method and path, so a key reused on another
    endpoint is a conflict, as with Stripe. See atom.api.idempotency.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body of the first request.
    fingerprint = models.CharField(max_length=64)
    # The run or message the first request created; the path says which.
    resource_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table, its constraint and its index keep the names they were
        # created with when the model lived in atom.flows: moving the model
        # between apps rewrote no table (api migration 0001).
        db_table = "flows_idempotencykey"
        constraints = [
            # Two concurrent requests with one key cannot both store: the
            # second insert fails and that request answers with the first.
            models.UniqueConstraint(fields=["company", "key"], name="flows_idempotency_key_unique"),
        ]
        # `atom prune` deletes by age; without this it would scan the table.
        indexes = [models.Index(fields=["created_at"], name="flows_idempotency_created")]
