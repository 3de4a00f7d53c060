"""Liveness, readiness, and the plain error pages."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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
    return request.path.startswith(("/api/", "/webhooks/"))


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _api_path(request):
        return JsonResponse(
            {"error": "not_found", "message": "There is no such endpoint."}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No template context processors, no database: this page must render
    # while the database is down.
    if _api_path(request):
        return JsonResponse(
            {"error": "server_error", "message": "Something went wrong on our side; retry later."},
            status=500,
        )
    return HttpResponse(
        "<!doctype html><title>Atom</title><h1>Something went wrong</h1>"
        "<p>Atom could not complete this request. Please try again in a moment.</p>",
        status=500,
    )
