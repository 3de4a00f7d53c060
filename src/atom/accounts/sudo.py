"""Sudo mode: a fresh password before sensitive actions (GitHub's pattern).

Revealing, copying, generating or saving the API token needs the password
to have been entered in the last 15 minutes, so a session left open on an
unattended computer cannot walk away with the company's token.
"""

import time
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

SUDO_SECONDS = 15 * 60


def grant_sudo(request: HttpRequest) -> None:
    request.session["sudo_until"] = time.time() + SUDO_SECONDS


def in_sudo(request: HttpRequest) -> bool:
    return request.session.get("sudo_until", 0) > time.time()


def sudo_required_response() -> JsonResponse:
    return JsonResponse(
        {
            "error": "password_required",
            "message": _("Confirm your password to continue."),
        },
        status=403,
    )


def sudo_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the console's JSON endpoints: 403 password_required outside sudo mode."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not in_sudo(request):
            return sudo_required_response()
        return view(request, *args, **kwargs)

    return wrapper
