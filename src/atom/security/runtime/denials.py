"""Audit of refused addresses: at most one event per address and company in each
ATOM_DENIAL_AUDIT_WINDOW_SECONDS (a minute by default).

An attacker (or a misconfigured integration) controls how often it knocks;
without this bound, refusals would flood the audit log and its table.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from atom.audit.log import record
from atom.security.runtime.counters import counters


def record_denial(
    request: HttpRequest, company_id: int, *, via: str, user: Any = None, shown: str | None = None
) -> None:
    """Audit a refused address, at most once a window per company and address.

    ``shown`` is the address as text when the caller has it already (the
    gate does, for its message): formatting an address again costs more
    than the throttle's check.
    """
    if shown is None:
        address = getattr(request, "client_ip", None)
        shown = "unknown" if address is None else str(address)
    window = settings.ATOM_DENIAL_AUDIT_WINDOW_SECONDS
    if not counters().first(f"denied:{company_id}:{shown}", window):
        return
    from atom.companies.models import Company

    record(
        "security.address_refused",
        company=Company.objects.get(id=company_id),
        request=request,
        user=user,
        details={"via": via, "address": shown},
    )
