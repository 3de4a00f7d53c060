"""One function writes every audit event."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from atom.audit.models import ActorType, AuditEvent

# Keys that must never be stored, whatever a caller passes: a last line of
# defence behind "callers never pass secrets".
_FORBIDDEN_KEYS = frozenset({"password", "token", "secret", "ciphertext", "key"})


def record(
    action: str,
    *,
    company=None,
    request: HttpRequest | None = None,
    user=None,
    actor_type: str | None = None,
    actor_label: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Write one audit event.

    With a request, the address and user agent come from it, and the actor
    is the logged-in user unless ``user`` or ``actor_type`` says otherwise.
    """
    details = dict(details or {})
    leaked = _FORBIDDEN_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"audit details must not carry {sorted(leaked)}")
    user_agent = ""
    if request is not None:
        if ip is None:
            address = getattr(request, "client_ip", None)
            ip = str(address) if address is not None else None
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        if user is None and actor_type is None:
            candidate = getattr(request, "user", None)
            if candidate is not None and candidate.is_authenticated:
                user = candidate
    if actor_type is None:
        actor_type = ActorType.USER if user is not None else ActorType.ANONYMOUS
    if user is not None and not actor_label:
        actor_label = user.email
    if company is None and user is not None:
        company = user.company
    return AuditEvent.objects.create(
        company=company,
        actor_type=actor_type,
        actor_user=user,
        actor_label=actor_label,
        action=action,
        details=details,
        ip=ip,
        user_agent=user_agent,
    )
