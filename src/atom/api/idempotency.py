"""``Idempotency-Key``: a retried request returns what the first one created.

After Stripe's idempotency keys: a client that timed out or lost the
connection sends the same request again with the same key, and gets the run
or message its first attempt created instead of a second one. Keys belong to
a company and count for 24 hours (ATOM_IDEMPOTENCY_KEY_HOURS); the same key with a different request
(method, path or body) is a 409, so a client bug that reuses keys is loud.

Two concurrent requests with one key are settled by the database: the
unique (company, key) constraint lets only one insert in; the other rolls
back everything it wrote and answers with the winner's resource.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header
from pydantic import WithJsonSchema

from atom.api.auth import ApiRequest
from atom.api.errors import ApiError
from atom.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
# Printable ASCII; a space may sit inside a key but not at either end,
# where HTTP servers strip it.
_KEY = re.compile(r"[!-~](?:[ -~]*[!-~])?")

Stored = TypeVar("Stored", bound=models.Model)

# The header as views declare it: documented in the OpenAPI with its rule,
# checked by parse_key (for a message that says what to send).
KeyHeader = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "maxLength": MAX_LENGTH, "pattern": f"^{_KEY.pattern}$"}),
    Header(
        None,
        alias=HEADER,
        description=(
            "Up to 255 printable ASCII characters, unique per request (a UUID is a good "
            "choice). Sending the same key again within 24 hours returns the first result (200) "
            "instead of storing twice; the same key with a different body is 409 conflict."
        ),
    ),
]


def lifetime() -> timedelta:
    """How long a key counts: a request older than this no longer replays."""
    return timedelta(hours=settings.ATOM_IDEMPOTENCY_KEY_HOURS)


def parse_key(value: str | None) -> str | None:
    """The header's key, None when absent, or ApiError 400 when malformed."""
    if value is None:
        return None
    if len(value) > MAX_LENGTH or not _KEY.fullmatch(value):
        raise ApiError(
            400,
            "validation_error",
            f"{HEADER}: must be 1 to {MAX_LENGTH} printable ASCII characters "
            "(letters, digits, punctuation; a UUID works well).",
        )
    return value


def fingerprint(request: HttpRequest, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(body)
    return digest.hexdigest()


def once(
    request: ApiRequest,
    key: str | None,
    body: bytes,
    model: type[Stored],
    create: Callable[[], Stored],
) -> tuple[Stored, bool]:
    """Call ``create`` (which stores one ``model`` row) at most once per key.

    Returns the row, and whether it was created now or by an earlier request
    with the same key. What ``create`` writes is committed, together with
    the key, before this returns: the caller answers 202 only for what is
    already durable.

    A new key, the common case, costs two statements in one transaction:
    the row, then the key, inserted with ``ON CONFLICT DO NOTHING``. Whether
    the key went in decides: if it did not, another request holds it, the
    row is rolled back and that request's row is answered (a replay), or a
    409. No lookup before the insert, and expired keys are deleted by
    `atom prune` (or here, only when one is in the way).
    """
    company_id = request.company_id
    if key is None:
        # durable=True: this block must be the outermost, so leaving it is
        # the COMMIT (an ATOMIC_REQUESTS setting would make this raise).
        with transaction.atomic(durable=True):
            return create(), True
    digest = fingerprint(request, body)
    # Two rounds suffice: a key in the way is either live (answered) or
    # expired (freed, then the second round takes it).
    for _round in range(2):
        with transaction.atomic(durable=True):
            stored = create()
            if _claim(company_id, key, digest, stored.pk):
                return stored, True
            # Another request holds the key: undo this row.
            transaction.set_rollback(True)
        found = earlier(company_id, key, digest)
        if found is not None:
            return _replayed(model, company_id, found), False
        _free_expired(company_id, key)
    raise ApiError(409, "conflict", f"Another request with this {HEADER} is in progress; retry it.")


def _claim(company_id: int, key: str, digest: str, resource_id: int) -> bool:
    """Insert the key unless (company, key) is taken; True if it went in.

    On PostgreSQL, a concurrent transaction holding the same key makes this
    wait for its outcome, so a key is never answered before it is settled.
    """
    quote = connection.ops.quote_name
    table = quote(IdempotencyKey._meta.db_table)
    columns = ", ".join(
        quote(name) for name in ("company_id", "key", "fingerprint", "resource_id", "created_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608 - names, not data
            f"ON CONFLICT ({quote('company_id')}, {quote('key')}) DO NOTHING",
            [
                company_id,
                key,
                digest,
                resource_id,
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        return cursor.rowcount == 1


def _free_expired(company_id: int, key: str) -> None:
    """Delete the key's record if it expired: it still holds the unique slot."""
    with transaction.atomic(durable=True):
        IdempotencyKey.objects.filter(
            company_id=company_id, key=key, created_at__lt=timezone.now() - lifetime()
        ).delete()


def _replayed(model: type[Stored], company_id: int, resource_id: int) -> Stored:
    found = model.objects.filter(id=resource_id, company_id=company_id).first()
    if found is None:
        # Removed since (by a retention job of the services downstream).
        raise ApiError(
            409,
            "conflict",
            f"What this {HEADER} created no longer exists; send the request with a new key.",
        )
    return found


def earlier(company_id: int, key: str, digest: str) -> int | None:
    """What a live record of this key created (its id), or None if there is none.

    Raises a 409 ApiError when the key was used with a different request.
    Public because it is the seam where a concurrent request shows: the
    tests make its first answer "not yet" to play a request that took the
    key between this one's insert and its lookup.
    """
    record = (
        IdempotencyKey.objects.filter(
            company_id=company_id, key=key, created_at__gte=timezone.now() - lifetime()
        )
        .only("fingerprint", "resource_id")
        .first()
    )
    if record is None:
        return None
    if record.fingerprint != digest:
        raise ApiError(
            409,
            "conflict",
            f"This {HEADER} was already used with a different request in the last "
            f"{settings.ATOM_IDEMPOTENCY_KEY_HOURS} hours; use a new key for a new request.",
        )
    return record.resource_id
