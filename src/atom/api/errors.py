"""One error shape for the whole API: {"error": code, "message": text}.

The console's JSON answers and its error pages use the same helper, so a
script sees one shape wherever it calls.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Schema


class Error(Schema):
    """The body of every error response, documented once in the OpenAPI."""

    error: str
    message: str


# The error answers each kind of operation can give, for its OpenAPI entry.
# Every authenticated call can meet the token (401), the allowlist (403),
# the rate limit (429) and a database outage (503).
AUTH_ERRORS = {code: Error for code in (401, 403, 429, 503)}
READ_ERRORS = {code: Error for code in (400, 401, 403, 404, 429, 503)}
WRITE_ERRORS = {code: Error for code in (400, 401, 403, 404, 409, 413, 415, 429, 503)}


class ApiError(Exception):
    """A refusal: the status, code and message to answer, and when to retry.

    The one refusal type of the API, raised by the token gate
    (atom.security.runtime.gate) before any view runs and by the views
    themselves; answered by ``error_response``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        retry_after: int | None = None,
        challenge: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        # A WWW-Authenticate value of its own (403 insufficient_scope, RFC 6750).
        self.challenge = challenge


# The encoded bodies of recent errors, by (code, message): refusals repeat
# (one address, one token, one limit), and encoding is most of their cost.
# Emptied past _BODIES_HELD, so a caller varying its messages cannot grow it.
_bodies: dict[tuple[str, str], bytes] = {}
_BODIES_HELD = 1024
_NO_STORE = ("Cache-Control", "no-store")
_MISSING_CHALLENGE = ("WWW-Authenticate", 'Bearer realm="atom"')
_INVALID_CHALLENGE = ("WWW-Authenticate", 'Bearer realm="atom", error="invalid_token"')


def error(
    status: int,
    code: str,
    message: str,
    *,
    retry_after: int | None = None,
    challenge: str | None = None,
) -> HttpResponse:
    body = _bodies.get((code, message))
    if body is None:
        if len(_bodies) >= _BODIES_HELD:
            _bodies.clear()
        body = json.dumps({"error": code, "message": message}).encode()
        _bodies[code, message] = body
    # JsonResponse's content type and bytes, without encoding them again.
    response = HttpResponse(body, status=status, content_type="application/json")
    # Constant headers go into the store as they are: checking them again on
    # every refusal cost more than building the refusal.
    store = response.headers._store
    if challenge is not None:
        response["WWW-Authenticate"] = challenge
    elif status == 401:
        # RFC 6750 section 3: tell the client which scheme to use.
        store["www-authenticate"] = (
            _MISSING_CHALLENGE if code == "token_missing" else _INVALID_CHALLENGE
        )
    if retry_after is not None:
        store["retry-after"] = ("Retry-After", str(int(retry_after)))
    store["cache-control"] = _NO_STORE
    # Django would log every 4xx again as a warning (django.request): a
    # refusal is already in the access log, counted and, where it matters,
    # audited; an unexpected error is logged by the handler that answers it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def error_response(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error(
        exc.status, exc.code, exc.message, retry_after=exc.retry_after, challenge=exc.challenge
    )


def wants_json(request: HttpRequest) -> bool:
    """Whether a console request came from a page's script, which reads JSON.

    The console's scripts ask with ``Accept: application/json``; a browser
    navigating asks for HTML, and gets a page or a redirect instead.
    """
    return request.headers.get("Accept", "").startswith("application/json")
