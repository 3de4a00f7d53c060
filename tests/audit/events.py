"""Audit events written straight into the table, as ``record()`` would have left them.

The Activity tests are about reading the log, so they do not depend on how
(or through which signature) events are written.
"""

from __future__ import annotations

from datetime import datetime

from atom.audit.models import ActorType, AuditEvent


def add_event(
    company,
    action: str,
    details: dict | None = None,
    *,
    user=None,
    actor_type: str | None = None,
    at: datetime | None = None,
    **fields,
) -> AuditEvent:
    if actor_type is None:
        actor_type = ActorType.USER if user is not None else ActorType.OPERATOR
    label = user.email if user is not None else fields.pop("actor_label", actor_type)
    event = AuditEvent.objects.create(
        company=company,
        action=action,
        details=details or {},
        actor_type=actor_type,
        actor_user=user,
        actor_label=label,
        **fields,
    )
    if at is not None:
        # created_at is auto_now_add: set a past moment after the insert.
        AuditEvent.objects.filter(pk=event.pk).update(created_at=at)
        event.refresh_from_db()
    return event
