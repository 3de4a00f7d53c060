"""Middleware: the client's address, the Content-Security-Policy, and the
company allowlist for console sessions."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from atom.api.paths import NOT_CONSOLE_PREFIXES
from atom.security.core.client_ip import resolve

Handler = Callable[[HttpRequest], HttpResponse]

# No inline script or style anywhere in the console: each page loads one
# small module from /static/, so an injected <script> cannot run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def client_address(get_response: Handler) -> Handler:
    """The client's address (``request.client_ip``), and the scheme only from a proxy.

    First in the middleware list: Django believes X-Forwarded-Proto
    (SECURE_PROXY_SSL_HEADER) from anyone, so a client could claim HTTPS
    over plain HTTP and skip the redirect or the API's https_required. The
    header is dropped unless the peer is one of ATOM_TRUSTED_PROXIES, the
    rule X-Forwarded-For already follows.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        # A refusal answered at the edge (atom.api.edge) resolved it already.
        if "client_ip" not in request.__dict__:
            note_client(request)
        return get_response(request)

    return middleware


def note_client(request: HttpRequest) -> None:
    """Set ``request.client_ip``; drop X-Forwarded-Proto unless a trusted proxy sent it."""
    meta = request.META
    trusted = settings.ATOM_TRUSTED_PROXIES
    remote = meta.get("REMOTE_ADDR", "")
    request.client_ip = resolve(remote, meta.get("HTTP_X_FORWARDED_FOR"), trusted)
    if "HTTP_X_FORWARDED_PROTO" in meta:
        peer = resolve(remote, None, trusted)
        if peer is None or peer not in trusted:
            del meta["HTTP_X_FORWARDED_PROTO"]


def client_address_text(request: HttpRequest) -> str | None:
    """The resolved address as text, for django-axes."""
    address = getattr(request, "client_ip", None)
    return None if address is None else str(address)


def content_security_policy(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    return middleware


def console_allowlist(get_response: Handler) -> Handler:
    """Refuse a console session whose address its company no longer allows.

    Checked on every request, so a session opened from the office stops at
    its next click once the office is taken off the list.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        # The API and webhooks are the token gate's; these never carry a session.
        if request.path_info.startswith(NOT_CONSOLE_PREFIXES):
            return get_response(request)
        user = request.user
        if user.is_authenticated and not address_allowed(request, user.company_id):
            from atom.security.runtime.denials import record_denial

            record_denial(request, user.company_id, via="console", user=user)
            logout(request)
            return address_refused_page(request)
        return get_response(request)

    return middleware


def address_allowed(request: HttpRequest, company_id: int) -> bool:
    from atom.security.runtime.state import state

    state.refresh()
    return state.company(company_id).allows(getattr(request, "client_ip", None))


def address_refused_page(request: HttpRequest) -> HttpResponse:
    address = getattr(request, "client_ip", None)
    return render(
        request,
        "security/address_refused.html",
        {"address": "unknown" if address is None else str(address)},
        status=403,
    )
