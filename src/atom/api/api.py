"""The Atom API: one NinjaAPI for /api/v1/ and the flow webhooks, one error shape."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from atom.api import group_commit
from atom.api.docs import Docs
from atom.api.errors import ApiError, error, error_response

log = logging.getLogger(__name__)

DESCRIPTION = """
The Atom API lets your systems work with your company's Atom account.

**Authentication.** Every call except `GET /api/v1/ping` carries your company's
API token: `Authorization: Bearer atom_...`. Owners and admins find it in
*Settings > My Company > Settings > Security Settings*. The same token
authenticates flow webhooks (`POST /webhooks/flows/{flow_id}`).

**Integration tokens and scopes.** Owners and admins can also give each
integration a token of its own (`atomi_...`, *Settings > My Company > Settings >
Integration tokens*) with only the scopes it needs, an expiry and its own
Allowed IP Addresses. Each operation names its scope (`x-atom-scope`, and its
security requirement): `company:read`, `flows:read`, `flows:start`,
`flow-runs:read`, `templates:read`, `templates:send`, `messages:read`,
`audit:read`. The company token holds every scope but `audit:read`. A call
outside a token's scopes gets `403 insufficient_scope` (with
`WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`); an
expired integration token gets `401 token_expired`.

**Allowed IP Addresses.** If your company restricts access by address, calls
from other addresses get `403 ip_not_allowed`.

**Errors.** Every error is JSON: `{"error": "<code>", "message": "<what to do>"}`:
400 `validation_error`, 401 `token_missing` / `token_invalid` / `token_expired`,
403 `ip_not_allowed` / `insufficient_scope` / `https_required` (plain HTTP to an HTTPS server),
404 `not_found`, 409 `conflict`, 413 `payload_too_large`, 415 `unsupported_media_type`,
429 `rate_limited` (with `Retry-After`), 503 `unavailable`.

**Retries.** Writes accept an `Idempotency-Key` header: the same key within
24 hours returns the first result with 200 instead of storing twice.

**Flows and messages** are stored durably (a 202 means committed) with a
status you can read back; Atom's flow engine and delivery service take them
from there.
"""


api = NinjaAPI(
    title="Atom API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="atom-api",
    openapi_url="/api/openapi.json",
    docs=Docs(),
    docs_url="/api/docs",
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for item in exc.errors:
        location = ".".join(
            str(part) for part in item.get("loc", ()) if part not in ("body", "payload")
        )
        problems.append(f"{location or 'body'}: {item.get('msg', 'invalid')}")
    return error(400, "validation_error", "; ".join(problems) or "The request is not valid.")


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(
        401, "token_missing", "Send your company's API token as 'Authorization: Bearer <token>'."
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(404, "not_found", "There is no such object in your company's account.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "validation_error",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
    }
    return error(exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.warning("database unavailable during an API call: %s", type(exc).__name__)
    return error(
        503,
        "unavailable",
        "Atom cannot reach its database right now; retry in a few seconds.",
        retry_after=5,
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unexpected error in an API call to %s", request.path)
    return error(
        500, "server_error", "Something went wrong on our side. It was logged; retry later."
    )


# A parked write's error (atom.api.group_commit) is answered by the handlers above.
group_commit.answer_errors_with(api.on_exception)

from atom.api import company  # noqa: E402  (routers register on the api above)

api.add_router("/api/v1/", company.router)

from atom.flows import api as flows_api  # noqa: E402
from atom.flows import webhook  # noqa: E402
from atom.outbox import api as outbox_api  # noqa: E402

api.add_router("/api/v1/", flows_api.router)
api.add_router("/api/v1/", outbox_api.router)
api.add_router("/webhooks/", webhook.router)

from atom.audit import api as audit_api  # noqa: E402

api.add_router("/api/v1/", audit_api.router)
