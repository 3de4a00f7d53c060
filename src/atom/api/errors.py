"""One error shape for the whole API: {"error": code, "message": text}.

The console's JSON answers and its error pages use the same helper, so a
script sees one shape wherever it calls.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
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


def error(
    status: int,
    code: str,
    message: str,
    *,
    retry_after: int | None = None,
    challenge: str | None = None,
) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message}, status=status)
    if challenge is not None:
        response["WWW-Authenticate"] = challenge
    elif status == 401:
        # RFC 6750 section 3: tell the client which scheme to use.
        response["WWW-Authenticate"] = (
            'Bearer realm="atom"'
            if code == "token_missing"
            else 'Bearer realm="atom", error="invalid_token"'
        )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def error_response(request: HttpRequest, exc: ApiError) -> JsonResponse:
    return error(
        exc.status, exc.code, exc.message, retry_after=exc.retry_after, challenge=exc.challenge
    )


def wants_json(request: HttpRequest) -> bool:
    """Whether a console request came from a page's script, which reads JSON.

    The console's scripts ask with ``Accept: application/json``; a browser
    navigating asks for HTML, and gets a page or a redirect instead.
    """
    return request.headers.get("Accept", "").startswith("application/json")
