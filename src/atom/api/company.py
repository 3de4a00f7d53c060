"""GET /api/v1/ping and GET /api/v1/company."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from atom.api.auth import ApiRequest, company_token
from atom.api.errors import AUTH_ERRORS
from atom.api.fields import CamelSchema
from atom.security import tokens

router = Router(tags=["Company"])


class Ping(Schema):
    status: str


class TokenInfo(CamelSchema):
    created_at: datetime
    last4: str
    masked: str
    grace_ends_at: datetime | None


class CompanyInfo(CamelSchema):
    id: int
    name: str
    slug: str
    token: TokenInfo


@router.get("ping", response=Ping, auth=None, summary="Check connectivity (no token needed)")
def ping(request):
    return {"status": "ok"}


@router.get(
    "company",
    response={200: CompanyInfo, **AUTH_ERRORS},
    auth=company_token,
    by_alias=True,
    summary="Your company and the calling token",
)
def company(request: ApiRequest):
    """Served from the process's memory: no database round trip on the hot path."""
    access = request.access
    token = access.token
    return {
        "id": access.company.id,
        "name": access.company.name,
        "slug": access.company.slug,
        "token": {
            "created_at": token.created_at,
            "last4": token.last4,
            "masked": tokens.mask(token.last4),
            "grace_ends_at": token.grace_ends_at,
        },
    }
