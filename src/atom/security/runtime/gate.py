"""The gate every Atom API call and flow webhook passes: token, address, rate.

Order matters. An address that has just failed too often is turned away
before its token is even read; the token is checked before the address, so
an unauthenticated caller learns nothing about a company's allowlist; the
rate limit is counted only for requests that would otherwise be served.
Everything here runs from this process's memory (atom.security.runtime.state) except
the counters, which live in Redis when several hosts serve.

Every API call and webhook pays for this, so the common case costs a few
microseconds and no round trip (docs/benchmarks.md): a header this process
has already verified skips parsing and digesting, and on Redis the counters
answer from this process's share (atom.security.runtime.counters).

A refusal is raised as atom.api.errors.ApiError, the one refusal type of the
API: whoever calls the gate answers it as it answers any other API error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from atom.api.errors import ApiError
from atom.security.core import tokens
from atom.security.runtime.counters import counters
from atom.security.runtime.state import CompanyState, TokenState, state

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Access:
    token: TokenState
    company: CompanyState


def _client_text(request: HttpRequest) -> str:
    address = getattr(request, "client_ip", None)
    return "unknown" if address is None else str(address)


# Failed tokens are counted twice (issue: one address's bad tokens must not
# lock out its good ones). Per address *and* credential ("tokenfail:<address>
# :<credential>"): the same bad token sent again and again (a stale
# integration, a revoked token) is answered 429 after the limit, alone. Per
# address ("tokenfail:<address>"), each *different* failing credential once:
# guessing, which needs a new token each time, is refused before any
# parsing once an address has tried too many. A token this process has
# already verified is never refused for what others at its address did.


def _throttled(window: int, now: float) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        "Too many requests with a missing or invalid token from your address; "
        "wait and retry with a valid token.",
        retry_after=window - int(now) % window,
    )


def _refuse(address: str, credential: str, code: str, message: str, now: float) -> ApiError:
    """Count one failure of ``credential`` from ``address``: the 401, or 429 past the limit."""
    window = settings.ATOM_TOKEN_FAILURE_WINDOW_SECONDS
    shared = counters()
    count, _ = shared.hit(f"tokenfail:{address}:{credential}", window, now)
    if count > settings.ATOM_TOKEN_FAILURE_LIMIT:
        return _throttled(window, now)
    if count == 1:
        # A credential not seen failing from here in this window.
        shared.hit(f"tokenfail:{address}", window, now)
    return ApiError(401, code, message)


def _first_sight(header: str | None, address: str, now: float) -> tuple[TokenState | None, str]:
    """Parse and look up a header this process has not verified before.

    Returns the token (None if unknown) and the credential its failures are
    counted under (a prefix of the digest, never the token).
    """
    window = settings.ATOM_TOKEN_FAILURE_WINDOW_SECONDS
    if counters().peek(f"tokenfail:{address}", window, now) >= settings.ATOM_TOKEN_FAILURE_LIMIT:
        # Too many different bad credentials from this address: refused
        # before anything is parsed, the cheapest answer there is.
        raise _throttled(window, now)
    try:
        token = tokens.parse_authorization(header)
    except tokens.CredentialsMissing:
        raise _refuse(
            address,
            "missing",
            "token_missing",
            "Send your company's API token in the header 'Authorization: Bearer <token>'; "
            "find it in Settings > My Company > Settings > Security Settings.",
            now,
        ) from None
    except tokens.TokenError:
        raise _refuse(
            address,
            "malformed",
            "token_invalid",
            "The Authorization header is not 'Bearer' followed by an Atom API token.",
            now,
        ) from None
    digest = tokens.digest(token)
    if tokens.is_integration(token):
        return state.integration_token(digest, header), digest[:16]
    return state.token(digest, header), digest[:16]


def check(request: HttpRequest) -> Access:
    """Return the caller's access, or raise ApiError with the status to answer."""
    state.refresh()
    address = _client_text(request)
    now = time.time()
    header = request.META.get("HTTP_AUTHORIZATION")
    found = state.verified(header)
    if found is not None:
        credential = f"id{found.id}"
    else:
        found, credential = _first_sight(header, address, now)
    if found is None or not found.is_valid(now):
        if found is not None and found.is_expired(now):
            raise _refuse(
                address,
                credential,
                "token_expired",
                "This integration token has expired. Ask an owner or admin of your company "
                "for a new one in Settings > My Company > Settings > Integration tokens.",
                now,
            )
        raise _refuse(
            address,
            credential,
            "token_invalid",
            "This API token is not valid: it is unknown, not yet saved, expired or revoked. "
            "Use the token shown in Settings > My Company > Settings > Security Settings.",
            now,
        )

    # A token's scopes are checked per operation, after routing
    # (atom.api.auth.requires): only the operation knows the scope it needs.
    company = state.company(found.company_id)
    client_ip = getattr(request, "client_ip", None)
    if not company.allows(client_ip):
        from atom.security.runtime.denials import record_denial

        record_denial(request, company.id, via="api", shown=address)
        raise ApiError(
            403,
            "ip_not_allowed",
            f"Access from your address {address} is not allowed by your "
            "company's security settings (Allowed IP Addresses).",
        )
    # An integration token's own list narrows the company's: both must pass.
    own = found.matcher
    if own is not None and (client_ip is None or not own.allows(client_ip)):
        from atom.security.runtime.denials import record_denial

        record_denial(request, company.id, via="api", shown=address)
        raise ApiError(
            403,
            "ip_not_allowed",
            f"Access from your address {address} is not allowed by this integration "
            "token's own Allowed IP Addresses.",
        )

    limit = company.rate_limit or settings.ATOM_DEFAULT_RATE_LIMIT
    retry_after = counters().take(f"rate:{company.id}", limit, now)
    if retry_after is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"Your company's limit of {limit} API requests per second was reached; "
            "retry after the time in the Retry-After header.",
            retry_after=retry_after,
        )

    _note_last_use(request, found, now)
    return Access(token=found, company=company)


def _note_last_use(request: HttpRequest, token: TokenState, now: float) -> None:
    # Keyed by address too, so a first call from a new address is noticed
    # at once rather than at the next interval.
    interval = settings.ATOM_LAST_USE_INTERVAL_SECONDS
    ip = getattr(request, "client_ip", None)
    address = str(ip) if ip is not None else None
    if not state.last_use_due((token.integration, token.id, address), now, interval):
        return
    from atom.security.runtime import token_use

    note = token_use.note_integration_use if token.integration else token_use.note_use
    note(token.id, address, request.META.get("HTTP_USER_AGENT", ""), interval)
