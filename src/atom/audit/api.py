"""GET /api/v1/audit-events: the company's audit log, for a SIEM to pull.

Needs the scope ``audit:read``, which only an integration token can hold
(atom.security.core.scopes). Events come oldest first, in the order of their
id, which never changes once written: a SIEM keeps the last ``nextCursor``
and asks again from there, and sees every event exactly once, even those
written while it pages. The cursor is opaque on purpose, so it can change
shape without breaking clients. Each event carries the same sentence as the
Activity page (atom.audit.sentences) and its raw fields.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from ninja import Field, Query, Router, Schema

from atom.api.auth import ApiRequest, requires
from atom.api.errors import READ_ERRORS, ApiError
from atom.api.fields import CamelSchema
from atom.audit.actions import LABELS, label
from atom.audit.models import AuditEvent
from atom.audit.sentences import actor_name, describe

router = Router(tags=["Audit"])

MAX_LIMIT = 500
_CURSOR_PREFIX = b"ae1:"


class AuditFilters(Schema):
    cursor: str | None = Field(
        None, description="The `nextCursor` of the previous page; omit it for the first page."
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Events per page (1 to 500).")
    since: datetime | None = Field(
        None, description="Only events at or after this time (ISO 8601, e.g. 2027-01-31T00:00:00Z)."
    )
    until: datetime | None = Field(None, description="Only events before this time (ISO 8601).")
    action: list[str] = Field(
        [], description="Only these actions (repeat the parameter for several), e.g. token.revoked."
    )


class AuditEventOut(CamelSchema):
    id: int
    created_at: datetime
    action: str
    label: str
    sentence: str
    actor: str
    actor_type: str
    ip: str | None
    user_agent: str
    details: dict[str, Any]


class AuditPage(CamelSchema):
    events: list[AuditEventOut]
    # Where the next call continues: after the last event of this page, or
    # where this one started when it was empty. Null only for an empty log.
    next_cursor: str | None
    has_more: bool


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(_CURSOR_PREFIX + str(last_id).encode()).decode().rstrip("=")


def decode_cursor(text: str) -> int:
    """The id a cursor continues after; ApiError 400 for anything we did not issue."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if raw.startswith(_CURSOR_PREFIX) and raw[len(_CURSOR_PREFIX) :].isdigit():
            return int(raw[len(_CURSOR_PREFIX) :])
    except (binascii.Error, ValueError):
        pass
    raise ApiError(
        400,
        "validation_error",
        "cursor: is not a cursor this API gave; use the nextCursor of the previous page.",
    )


@router.get(
    "audit-events",
    response={200: AuditPage, **READ_ERRORS},
    by_alias=True,
    summary="Read your company's audit log (for a SIEM)",
    description=(
        "Oldest first, in a stable order. Ask again with `cursor=<nextCursor>` while `hasMore` "
        "is true; then keep the last `nextCursor` and ask with it later for newer events. "
        "Filter by `since`, `until` and `action`."
    ),
    **requires("audit:read"),
)
def audit_events(request: ApiRequest, filters: Query[AuditFilters]):
    events = AuditEvent.objects.filter(company_id=request.company_id)
    after = decode_cursor(filters.cursor) if filters.cursor else None
    if after is not None:
        events = events.filter(id__gt=after)
    if filters.since is not None:
        events = events.filter(created_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(created_at__lt=filters.until)
    if filters.action:
        unknown = [action for action in filters.action if action not in LABELS]
        if unknown:
            raise ApiError(
                400,
                "validation_error",
                f"action: {unknown[0][:40]} is not an audit action; see the Activity page's "
                "filter, or omit it for every action.",
            )
        events = events.filter(action__in=filters.action)
    rows = list(events.order_by("id").select_related("actor_user")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    # The API skips the console's locale machinery, so a worker's thread may
    # still hold the language of the console page it served last: the
    # sentences are in the site's language, the same for every call.
    with translation.override(settings.LANGUAGE_CODE):
        return _page(rows, more, filters.cursor if after is not None else None)


def _page(rows: list[AuditEvent], more: bool, cursor: str | None) -> AuditPage:
    return AuditPage(
        events=[
            AuditEventOut(
                id=row.id,
                created_at=row.created_at,
                action=row.action,
                label=label(row.action),
                sentence=describe(row),
                actor=actor_name(row),
                actor_type=row.actor_type,
                ip=row.ip,
                user_agent=row.user_agent,
                details=row.details if isinstance(row.details, dict) else {},
            )
            for row in rows
        ],
        next_cursor=encode_cursor(rows[-1].id) if rows else cursor,
        has_more=more,
    )
