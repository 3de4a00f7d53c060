"""Liveness, readiness, and the plain error pages."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from atom.api.errors import error
from atom.api.paths import API_PREFIXES

OUTAGE = (OperationalError, InterfaceError)


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers. Touches no database, so a load balancer does not
    take every host out at once when the database blips."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _api_path(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _api_path(request):
        return error(404, "not_found", "There is no such endpoint.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler; a database outage becomes a 503 the client can retry.

    Django calls this inside the ``except`` that caught the error, so
    ``sys.exc_info()`` still names it. Nothing here touches the database or
    renders a template that might, and no stack trace reaches the client.
    """
    failure = sys.exc_info()[1]
    # Lost or refused connections, not bugs such as an IntegrityError.
    if isinstance(failure, OUTAGE):
        if _api_path(request):
            return error(
                503,
                "unavailable",
                "Atom cannot reach its database right now; retry in a few seconds.",
                retry_after=5,
            )
        response = HttpResponse(
            "<!doctype html><title>Atom</title><h1>Atom is briefly unavailable</h1>"
            "<p>Atom cannot reach its database right now. Try again in a few seconds.</p>",
            status=503,
        )
        response["Retry-After"] = "5"
        return response
    if _api_path(request):
        return error(500, "server_error", "Something went wrong on our side; retry later.")
    return HttpResponse(
        "<!doctype html><title>Atom</title><h1>Something went wrong</h1>"
        "<p>Atom could not complete this request. Please try again in a moment.</p>",
        status=500,
    )
