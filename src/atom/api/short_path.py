"""The API's short path: API and webhook requests skip the console's middleware.

An API call carries a token, never a session, a language or a CSRF cookie,
so sessions, locale, CSRF, authentication, messages, django-axes, WhiteNoise
and the console's allowlist and password checks have nothing to do for it;
together they cost more than the gate and the view (docs/benchmarks.md).
``api_short_path`` stands in the console's middleware list right after the
client address: a request under ``GATED_PREFIXES`` leaves the console's
chain there and goes through the API's own, built once per process:

    api_headers ─► gate_middleware ─► URL resolution ─► the view

or, for a direct operation (atom.api.direct: ping and company), straight
from ``gate_middleware`` to the view.

``api_headers`` keeps what the console's stack gave every API answer:
ALLOWED_HOSTS and Content-Length (from CommonMiddleware), nosniff, the
Referrer-Policy, the opener policy, HSTS under HTTPS, the CSP and
X-Frame-Options, and marks every answer as an attachment. Under HTTPS a
call over plain HTTP is refused here with ``https_required`` instead of being
redirected (the console keeps its redirect): the token has already crossed
in clear, and a client that follows the redirect would send it again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.http.response import ResponseHeaders
from django.utils.module_loading import import_string

from atom.api.errors import error
from atom.api.paths import GATED_PREFIXES
from atom.security.runtime.middleware import CSP

Handler = Callable[[HttpRequest], HttpResponse]

# As an answer's header store keeps it: (the header's name, its value).
_DISPOSITION = ("Content-Disposition", 'attachment; filename="api.json"')

# The API's own middleware, outermost first.
API_MIDDLEWARE = (
    "atom.api.short_path.api_headers",
    "atom.api.auth.gate_middleware",
)


class ApiHandler(BaseHandler):
    """Django's request handling (exceptions, URL resolution, the view) over
    API_MIDDLEWARE instead of settings.MIDDLEWARE."""

    def __init__(self) -> None:
        super().__init__()
        # Imported here: the routers register their direct operations as
        # atom.api.api loads them, and that needs Django's apps ready.
        from atom.api.api import api
        from atom.api.direct import find

        self._find = find
        self._on_exception = api.on_exception

    def _get_response(self, request: HttpRequest) -> HttpResponse:
        # A direct operation (atom.api.direct) skips URL resolution and
        # ninja; anything else, another method included, goes the usual way.
        answer = self._find(request.method, request.path_info)
        if answer is None:
            return super()._get_response(request)
        try:
            return answer(request)
        except Exception as exc:  # answered by the API's handlers, as ninja does
            return self._on_exception(request, exc)

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list = []
        self._template_response_middleware: list = []
        self._exception_middleware: list = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(API_MIDDLEWARE):
            handler = convert_exception_to_response(import_string(path)(handler))
        self._middleware_chain = handler


def api_short_path(get_response: Handler) -> Handler:
    api = ApiHandler()
    api.load_middleware()
    api_chain = api._middleware_chain

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(GATED_PREFIXES):
            return api_chain(request)
        return get_response(request)

    return middleware


def security_headers() -> tuple[tuple[str, str], ...]:
    """The headers every API answer carries, from the settings, once per process."""
    headers = [("Content-Security-Policy", CSP)]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
    return tuple(headers)


def hsts_header() -> str | None:
    """Strict-Transport-Security as Django's SecurityMiddleware words it."""
    if not settings.SECURE_HSTS_SECONDS:
        return None
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


def answer_headers() -> Callable[[HttpResponse, bool], HttpResponse]:
    """What every API answer gets on its way out, prepared once per process.

    Returns ``finish(response, secure)``, which ``api_headers`` and the edge
    (atom.api.edge, for the refusals it answers itself) both apply.
    """
    # Checked and encoded once per process by Django's own ResponseHeaders,
    # then copied into each answer's store: setting seven headers one by
    # one re-checked the same constants on every call (~4 µs of ~70).
    prepared = tuple(ResponseHeaders(dict(security_headers()))._store.items())
    hsts = hsts_header()

    def finish(response: HttpResponse, secure: bool) -> HttpResponse:
        store = response.headers._store
        for lower, pair in prepared:
            if lower not in store:  # a header the view chose stays
                store[lower] = pair
        # As CommonMiddleware does: gunicorn then sends the body as it is,
        # not in chunks.
        if not response.streaming and "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(response.content))
        if hsts is not None and secure:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        # An API answer opened in a browser tab is saved, never rendered
        # (OWASP ASVS 14.4.2), whatever a caller managed to put in it.
        store["content-disposition"] = _DISPOSITION
        return response

    return finish


def api_headers(get_response: Handler) -> Handler:
    finish = answer_headers()
    https_only = settings.SECURE_SSL_REDIRECT

    def middleware(request: HttpRequest) -> HttpResponse:
        # What CommonMiddleware did for the console: an unknown Host is a
        # 400 (DisallowedHost), before the gate reads anything. A call
        # admitted at the edge (atom.api.edge) had its Host checked there.
        if "access" not in request.__dict__:
            request.get_host()
        secure = request.is_secure()
        if https_only and not secure:
            response = error(
                403,
                "https_required",
                "The Atom API is served over HTTPS only; call it with https:// and, since "
                "this token crossed the network unencrypted, consider generating a new one.",
            )
        else:
            response = get_response(request)
        return finish(response, secure)

    return middleware
