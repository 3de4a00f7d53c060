"""GET /api/v1/ping and GET /api/v1/company."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from atom.api.auth import ApiRequest, requires
from atom.api.errors import AUTH_ERRORS
from atom.security.core import tokens

router = Router(tags=["Company"])


class Ping(Schema):
    status: str


class CamelModel(BaseModel):
    """CamelSchema's JSON (atom.api.fields), as a plain pydantic model.

    GET /api/v1/company is the authenticated hot path. Its answer is built
    from the process's memory as these models, which ninja dumps without
    validating them again; ninja's Schema would also wrap every level in a
    getter for Django objects, which made this small answer cost ~15 µs
    instead of ~2 µs (docs/benchmarks.md).
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


@router.get("ping", response=Ping, auth=None, summary="Check connectivity (no token needed)")
def ping(request):
    return {"status": "ok"}


@router.get(
    "company",
    response={200: CompanyInfo, **AUTH_ERRORS},
    **requires("company:read"),
    by_alias=True,
    summary="Your company and the calling token",
)
def company(request: ApiRequest):
    """Served from the process's memory: no database round trip on the hot path."""
    access = request.access
    token = access.token
    return CompanyInfo(
        id=access.company.id,
        name=access.company.name,
        slug=access.company.slug,
        token=TokenInfo(
            created_at=token.created_at,
            last4=token.last4,
            masked=tokens.mask(
                token.last4, tokens.INTEGRATION_PREFIX if token.integration else tokens.PREFIX
            ),
            grace_ends_at=token.grace_ends_at,
        ),
    )
