"""GET /api/v1/ping and GET /api/v1/company."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from atom.api import direct
from atom.api.auth import ApiRequest
from atom.api.errors import AUTH_ERRORS
from atom.security.core import tokens
from atom.security.runtime.state import CompanyState, TokenState

router = Router(tags=["Company"])


class Ping(Schema):
    status: str


class CamelModel(BaseModel):
    """CamelSchema's JSON (atom.api.fields), as a plain pydantic model.

    GET /api/v1/company is the authenticated hot path, answered directly
    (atom.api.direct): these models describe its answer in the OpenAPI, and
    the tests validate real answers against them.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class TokenInfo(CamelModel):
    created_at: datetime
    last4: str
    masked: str
    grace_ends_at: datetime | None


class CompanyInfo(CamelModel):
    id: int
    name: str
    slug: str
    token: TokenInfo


@direct.get(
    router,
    "/api/v1/",
    "ping",
    scope=None,
    response=Ping,
    by_alias=True,
    summary="Check connectivity (no token needed)",
)
def ping(request: HttpRequest) -> HttpResponse:
    return direct.json_answer(PING)


PING = direct.encode({"status": "ok"})


@direct.get(
    router,
    "/api/v1/",
    "company",
    scope="company:read",
    response={200: CompanyInfo, **AUTH_ERRORS},
    by_alias=True,
    summary="Your company and the calling token",
)
def company(request: ApiRequest) -> HttpResponse:
    """Served from the process's memory: no database round trip on the hot path."""
    access = request.access
    token, held = access.token, access.company
    known = _bodies.get(id(token))
    if known is None or known[0] is not token or known[1] is not held:
        known = (token, held, direct.encode(_company_info(token, held)))
        if len(_bodies) >= settings.ATOM_SECURITY_CACHE_ENTRIES:
            _bodies.clear()
        _bodies[id(token)] = known
    return direct.json_answer(known[2])


# The JSON of each (token, company) pair this process has answered for. Both
# are immutable snapshots that the security state replaces on every change,
# so an entry is right for as long as it is for these very objects (checked
# by identity; holding them also keeps their id() from being reused). At most
# ATOM_SECURITY_CACHE_ENTRIES entries, emptied past it.
_bodies: dict[int, tuple[TokenState, CompanyState, str]] = {}


def _company_info(token: TokenState, held: CompanyState) -> dict[str, Any]:
    """CompanyInfo's JSON (its camelCase names, in its order).

    Written directly; tests/api/test_direct.py validates answers against the model.
    """
    prefix = tokens.INTEGRATION_PREFIX if token.integration else tokens.PREFIX
    return {
        "id": held.id,
        "name": held.name,
        "slug": held.slug,
        "token": {
            "createdAt": token.created_at,
            "last4": token.last4,
            "masked": tokens.mask(token.last4, prefix),
            "graceEndsAt": token.grace_ends_at,
        },
    }
