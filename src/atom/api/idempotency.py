"""``Idempotency-Key``: a retried request returns what the first one created.

After Stripe's idempotency keys: a client that timed out or lost the
connection sends the same request again with the same key, and gets the run
or message its first attempt created instead of a second one. Keys belong to
a company and count for 24 hours (ATOM_IDEMPOTENCY_KEY_HOURS); the same key with a different request
(method, path or body) is a 409, so a client bug that reuses keys is loud.

Two concurrent requests with one key are settled by the database: the
unique (company, key) constraint lets only one insert in; the other's row
is deleted again before its COMMIT, and it answers with the winner's.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, TypeVar

from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header
from pydantic import WithJsonSchema

from atom.api.auth import ApiRequest
from atom.api.errors import ApiError
from atom.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
ENVIRON_NAME = "HTTP_IDEMPOTENCY_KEY"
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


@dataclass(eq=False, slots=True)
class Intake:
    """One request's write: a row to store, with its Idempotency-Key if it sent one.

    ``store`` fills in the outcome: the row stored now (``created``), the
    row an earlier request with the same key stored, or the error to
    answer with.
    """

    company_id: int
    key: str | None
    digest: str | None
    row: models.Model
    stored: models.Model | None = None
    created: bool = False
    error: Exception | None = None

    def outcome(self) -> tuple[models.Model, bool]:
        """(the row to answer with, whether it was stored now); or raises the error."""
        if self.error is not None:
            raise self.error
        if self.stored is None:
            raise RuntimeError("this intake was not stored yet")
        return self.stored, self.created


def intake(request: ApiRequest, key: str | None, body: bytes, row: models.Model) -> Intake:
    """The write of ``row`` for this request, not stored yet."""
    digest = fingerprint(request, body) if key is not None else None
    return Intake(request.company_id, key, digest, row)


def store(intakes: list[Intake]) -> None:
    """Store every intake's row and key in one transaction, then settle each.

    Never raises: each intake holds its outcome. What is stored is
    committed, keys with their rows, before this returns: the caller answers
    202 only for what is already durable. A group is what the group-commit
    worker (atom.api.group_commit) gathered while its rows waited; alone, an
    intake is a group of one.

    A new key, the common case, costs two statements per group in one
    transaction: the rows, then the keys, inserted with ``ON CONFLICT DO
    NOTHING RETURNING``. Whether its key went in decides for each intake: if
    it did not, another request holds the key, the row is deleted again
    before the COMMIT and that request's row is answered (a replay), or a
    409. No lookup before the insert, and expired keys are deleted by `atom
    prune` (or here, only when one is in the way).
    """
    try:
        losers = _store_group(intakes)
    except Exception as exc:
        if len(intakes) == 1 or isinstance(exc, DatabaseError) and not _only_this_group(exc):
            for each in intakes:
                each.error = exc
            return
        # One intake's row broke the statement (its flow deleted a moment
        # ago, say): store them one by one, so only that one fails.
        for each in intakes:
            store([each])
        return
    for each in losers:
        _settle_loser(each)


def _only_this_group(exc: Exception) -> bool:
    """Whether ``exc`` came from this group's rows rather than from the database being away."""
    return isinstance(exc, IntegrityError | DataError)


def _store_group(intakes: list[Intake]) -> list[Intake]:
    """Insert the rows and keys in one transaction; the intakes whose key was taken."""
    by_model: dict[type[models.Model], list[Intake]] = {}
    for each in intakes:
        each.row.pk = None  # a second round inserts it afresh
        each.row._state.adding = True
        by_model.setdefault(type(each.row), []).append(each)
    losers: list[Intake] = []
    # durable=True: this block must be the outermost, so leaving it is
    # the COMMIT (an ATOMIC_REQUESTS setting would make this raise).
    with transaction.atomic(durable=True):
        for model, group in by_model.items():
            model._default_manager.bulk_create([each.row for each in group])
            keyed = [each for each in group if each.key is not None]
            taken = _claim(keyed) if keyed else set()
            lost = [each for each in keyed if each.row.pk not in taken]
            if lost:
                # Another request holds these keys: undo these rows only.
                model._base_manager.filter(pk__in=[each.row.pk for each in lost]).delete()
            losers += lost
    lost_ids = {id(each) for each in losers}
    for each in intakes:
        if id(each) not in lost_ids:
            each.stored, each.created = each.row, True
    return losers


def _settle_loser(each: Intake) -> None:
    """Answer an intake whose key another request took: its row, or a 409."""
    assert each.key is not None and each.digest is not None
    model = type(each.row)
    try:
        # Two rounds suffice: a key in the way is either live (answered) or
        # expired (freed, then the second round takes it).
        for last_round in (False, True):
            found = earlier(each.company_id, each.key, each.digest)
            if found is not None:
                each.stored, each.created = _replayed(model, each.company_id, found), False
                return
            if last_round:
                break
            _free_expired(each.company_id, each.key)
            if not _store_group([each]):
                each.stored, each.created = each.row, True
                return
        raise ApiError(
            409, "conflict", f"Another request with this {HEADER} is in progress; retry it."
        )
    except Exception as exc:
        each.error = exc


def _claim(keyed: list[Intake]) -> set[int]:
    """Insert the keys unless (company, key) is taken; the rows whose key went in.

    On PostgreSQL, a concurrent transaction holding the same key makes this
    wait for its outcome, so a key is never answered before it is settled.
    Two intakes of one group with the same key: the first one wins.
    """
    quote = connection.ops.quote_name
    table = quote(IdempotencyKey._meta.db_table)
    columns = ", ".join(
        quote(name) for name in ("company_id", "key", "fingerprint", "resource_id", "created_at")
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(keyed))
    parameters: list[object] = []
    for each in keyed:
        parameters += [each.company_id, each.key, each.digest, each.row.pk, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 - names, not data
            f"ON CONFLICT ({quote('company_id')}, {quote('key')}) DO NOTHING "
            f"RETURNING {quote('resource_id')}",
            parameters,
        )
        return {row[0] for row in cursor.fetchall()}


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
