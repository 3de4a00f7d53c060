"""Sudo mode: a fresh password before sensitive actions (GitHub's pattern).

Revealing, copying, generating or saving the API token needs the password
to have been entered in the last 15 minutes, so a session left open on an
unattended computer cannot walk away with the company's token.
"""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from atom.api.errors import error


def sudo_seconds() -> int:
    """How long a confirmed password lasts (ATOM_SUDO_MINUTES)."""
    return settings.ATOM_SUDO_MINUTES * 60


def grant_sudo(request: HttpRequest) -> None:
    request.session["sudo_until"] = time.time() + sudo_seconds()


def in_sudo(request: HttpRequest) -> bool:
    return request.session.get("sudo_until", 0) > time.time()


def set_sudo_expiry(session: SessionBase, until: float) -> None:
    """Make sudo mode end at ``until`` (a Unix time; any time past ends it now).

    For code that holds a session rather than a request (the tests, which
    start a session with sudo mode on, or make it lapse without waiting), so
    that only this module knows how the session stores it.
    """
    session["sudo_until"] = until


def sudo_required_response() -> JsonResponse:
    return error(403, "password_required", _("Confirm your password to continue."))


def sudo_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the console's JSON endpoints: 403 password_required outside sudo mode."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not in_sudo(request):
            return sudo_required_response()
        return view(request, *args, **kwargs)

    return wrapper
