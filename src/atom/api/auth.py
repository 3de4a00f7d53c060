"""Bearer authentication of the Atom API and flow webhooks: the company or an integration token.

Each operation declares the one scope it needs with ``requires(scope)``
(atom.security.core.scopes): it is checked here, after the gate, and
stated in the operation's OpenAPI entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.security.http import HttpAuthBase

from atom.api.errors import ApiError, error_response
from atom.api.paths import GATED_PREFIXES, PUBLIC_PATHS
from atom.security.core import scopes
from atom.security.runtime import gate


class ApiRequest(HttpRequest):
    """What an authenticated API request carries, set by ``admit`` only."""

    access: gate.Access
    company_id: int


class CompanyToken(HttpAuthBase):
    """``Authorization: Bearer <token>``, checked by atom.security.runtime.gate.

    Not ninja's HttpBearer: that one splits the header loosely and, with
    DEBUG on, logs the header value, token included.
    """

    openapi_scheme = "bearer"
    openapi_bearerFormat = "atom_ or atomi_ token"

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        if scope is not None and scope not in scopes.SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        self.scope = scope

    def __call__(self, request: HttpRequest) -> gate.Access:
        checked = getattr(request, "access", None)
        if checked is None:
            # A refusal propagates as the gate raised it, and the API answers
            # it like any other ApiError.
            checked = admit(request)
        scope = self.scope
        if scope is not None and scope not in checked.token.scopes:
            raise ApiError(
                403,
                "insufficient_scope",
                f"This token does not have the scope {scope}, which this operation needs. "
                "Ask an owner or admin for a token with it (Settings > My Company > Settings "
                "> Integration tokens).",
                challenge=scopes.challenge(scope),
            )
        return checked


company_token = CompanyToken()


def requires(scope: str, openapi_extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``auth`` and OpenAPI entry of an operation that needs ``scope``.

    Used as ``@router.get(..., **requires("templates:read"))``: the one place
    an operation names its scope. The OpenAPI entry states it as
    ``x-atom-scope``, which /api/docs shows (atom.api.docs). Not in the
    security requirement: ninja writes that one itself, and a second entry
    would read as "or no scope at all".
    """
    extra: dict[str, Any] = dict(openapi_extra or {})
    extra["x-atom-scope"] = scope
    return {"auth": CompanyToken(scope), "openapi_extra": extra}


def admit(request: HttpRequest) -> gate.Access:
    """Pass ``request`` through the gate and mark it with what it may reach.

    Raises ApiError when the gate refuses. The one place that sets what an
    ApiRequest carries, for the middleware and CompanyToken alike.
    """
    access = gate.check(request)
    request.access = access  # type: ignore[attr-defined]
    request.company_id = access.company.id  # type: ignore[attr-defined]
    return access


def refusal(request: HttpRequest) -> HttpResponse | None:
    """Admit ``request`` (None), or the answer to its refusal.

    The gate's decision for ``gate_middleware`` and for the edge
    (atom.api.edge), which answers refusals before Django's handler runs.
    """
    try:
        admit(request)
    except ApiError as refused:
        return error_response(request, refused)
    return None


def gate_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Check token, address and rate before Django routes an API request.

    A refusal is the attacker's to multiply, so it must cost less than the
    cheapest call we serve: under ``atom serve`` the edge answers it before
    Django's request handling (atom.api.edge); here, for any other way in
    (a test client, another WSGI server), it still skips URL resolution and
    ninja. One consequence, on purpose: without a valid token, an unknown
    API path is a 401 like any other, which tells a scanner nothing about
    which endpoints exist. A request let through carries ``request.access``
    to CompanyToken, so nothing is checked twice. The headers of every API
    answer, refusals included, are ``api_headers``'s (atom.api.short_path).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path_info
        # Public, or already admitted at the edge: only ``admit`` sets access.
        if (
            path.startswith(GATED_PREFIXES)
            and path not in PUBLIC_PATHS
            and "access" not in request.__dict__
        ):
            refused = refusal(request)
            if refused is not None:
                return refused
        return get_response(request)

    return middleware
