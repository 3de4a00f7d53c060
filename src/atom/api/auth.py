"""Bearer authentication of the Atom API and flow webhooks by the company token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security.http import HttpAuthBase

from atom.api.errors import ApiError
from atom.security import gate


class ApiRequest(HttpRequest):
    """What an authenticated API request carries, set by CompanyToken only."""

    access: gate.Access
    company_id: int


class CompanyToken(HttpAuthBase):
    """``Authorization: Bearer <token>``, checked by atom.security.gate.

    Not ninja's HttpBearer: that one splits the header loosely and, with
    DEBUG on, logs the header value, token included.
    """

    openapi_scheme = "bearer"
    openapi_bearerFormat = "atom_ token"

    def __call__(self, request: HttpRequest) -> gate.Access:
        try:
            access = gate.check(request)
        except gate.Denied as denied:
            raise ApiError(
                denied.status, denied.code, denied.message, retry_after=denied.retry_after
            ) from None
        request.access = access  # type: ignore[attr-defined]
        request.company_id = access.company.id  # type: ignore[attr-defined]
        return access


company_token = CompanyToken()
