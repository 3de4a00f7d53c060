"""One function writes every audit event."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from atom.audit.actors import Actor
from atom.audit.models import AuditEvent

# Keys that must never be stored, whatever a caller passes: a last line of
# defence behind "callers never pass secrets".
_FORBIDDEN_KEYS = frozenset({"password", "token", "secret", "ciphertext", "key"})


def record(
    action: str,
    *,
    actor: Actor | None = None,
    company=None,
    request: HttpRequest | None = None,
    user=None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Write one audit event.

    Write services pass their ``actor``; request-level events (a failed
    log-in, a refused address) pass the ``request``, and the actor is its
    logged-in user (or ``user``, the account a log-in attempt named) or an
    anonymous visitor, with the request's address and browser.
    """
    details = dict(details or {})
    leaked = _FORBIDDEN_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"audit details must not carry {sorted(leaked)}")
    if actor is None:
        actor = Actor.from_request(request) if request is not None else Actor.anonymous()
        if user is not None:
            actor = Actor.for_user(user, ip=actor.ip, user_agent=actor.user_agent)
    if company is None and actor.user is not None:
        company = actor.user.company
    return AuditEvent.objects.create(
        company=company,
        actor_type=actor.type,
        actor_user=actor.user,
        actor_label=actor.label,
        action=action,
        details=details,
        ip=ip if ip is not None else actor.ip,
        user_agent=actor.user_agent,
    )
