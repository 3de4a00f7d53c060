"""Bearer authentication of the Atom API and flow webhooks by the company token."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja.security.http import HttpAuthBase

from atom.api.errors import ApiError, error
from atom.security.runtime import gate

# Where the token gate stands, and the only API paths that need no token.
GATED_PREFIXES = ("/api/v1/", "/webhooks/")
PUBLIC_PATHS = frozenset({"/api/v1/ping"})
API_DISPOSITION = 'attachment; filename="api.json"'


class ApiRequest(HttpRequest):
    """What an authenticated API request carries, set by CompanyToken only."""

    access: gate.Access
    company_id: int


class CompanyToken(HttpAuthBase):
    """``Authorization: Bearer <token>``, checked by atom.security.runtime.gate.

    Not ninja's HttpBearer: that one splits the header loosely and, with
    DEBUG on, logs the header value, token included.
    """

    openapi_scheme = "bearer"
    openapi_bearerFormat = "atom_ token"

    def __call__(self, request: HttpRequest) -> gate.Access:
        checked = getattr(request, "access", None)
        if checked is not None:
            return checked  # gate_middleware already let it through
        try:
            access = gate.check(request)
        except gate.Denied as denied:
            answer = (denied.status, denied.code, denied.message, denied.retry_after)
        else:
            request.access = access  # type: ignore[attr-defined]
            request.company_id = access.company.id  # type: ignore[attr-defined]
            return access
        # Raised after the except block, so the Denied and the frames its
        # traceback holds are freed at once instead of riding along as the
        # ApiError's context: refusals are the attacker's to multiply.
        status, code, message, retry_after = answer
        raise ApiError(status, code, message, retry_after=retry_after)


company_token = CompanyToken()


def gate_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Check token, address and rate before Django routes an API request.

    A refusal is the attacker's to multiply, so it must cost less than the
    cheapest call we serve: answered here, it skips sessions, locale, CSRF,
    URL resolution and ninja. One consequence, on purpose: without a valid
    token, an unknown API path is a 401 like any other, which tells a
    scanner nothing about which endpoints exist. A request let through
    carries ``request.access`` to CompanyToken, so nothing is checked twice.
    Every answer under these prefixes, public ones included, is marked as
    an attachment.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(GATED_PREFIXES):
            return get_response(request)
        if path in PUBLIC_PATHS:
            response = get_response(request)
        else:
            try:
                access = gate.check(request)
            except gate.Denied as denied:
                response = error(
                    denied.status, denied.code, denied.message, retry_after=denied.retry_after
                )
            else:
                request.access = access  # type: ignore[attr-defined]
                request.company_id = access.company.id  # type: ignore[attr-defined]
                response = get_response(request)
        # An API answer opened in a browser tab is saved, never rendered
        # (OWASP ASVS 14.4.2), whatever a caller managed to put in it.
        response["Content-Disposition"] = API_DISPOSITION
        return response

    return middleware
