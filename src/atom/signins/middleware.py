"""The console's session middleware: limits enforced, activity noted, on every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from atom.api.errors import error, wants_json
from atom.api.paths import NOT_CONSOLE_PREFIXES
from atom.audit.log import record
from atom.signins import limits, tracking
from atom.signins.services import end_current

Handler = Callable[[HttpRequest], HttpResponse]


def session_limits(get_response: Handler) -> Handler:
    """End a session past its company's Idle timeout or Maximum session length.

    The limits come from the process's security state, which follows every
    Save within the propagation interval, so a shorter limit saved on one
    host ends old sessions on every host at their next click. Costs no
    query: the session's start and last activity are in the session, which
    Django has already loaded.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(NOT_CONSOLE_PREFIXES):
            return get_response(request)
        user = request.user
        if not user.is_authenticated:
            return get_response(request)
        from atom.security.runtime.state import state

        state.refresh()
        company = state.company(user.company_id)
        now = time.time()
        reason = limits.exceeded(
            request.session,
            now,
            idle_seconds=company.idle_timeout_seconds,
            length_seconds=company.session_length_seconds,
        )
        if reason is not None:
            return _end(request, reason)
        old_key = request.session.session_key
        if tracking.touch(request, now):
            _remember_language(request, user)
        response = get_response(request)
        if request.user.is_authenticated:
            tracking.follow_new_key(request, old_key)
        return response

    return middleware


def _remember_language(request: HttpRequest, user) -> None:
    # Security emails are written in the language the user reads the
    # console in; noted with the activity, so at most once a minute.
    language = getattr(request, "LANGUAGE_CODE", None)
    if language and language != user.language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language


def _end(request: HttpRequest, reason: str) -> HttpResponse:
    user = request.user
    record(
        "session.timed_out",
        request=request,
        details={"email": user.email, "limit": reason},
    )
    end_current(request, "idle" if reason == "idle" else "length")
    logout(request)
    if reason == "idle":
        message = _("You were signed out because you were inactive for too long. Log in again.")
    else:
        message = _(
            "You were signed out because your session reached its maximum length. Log in again."
        )
    if wants_json(request):
        return error(401, "session_ended", message)
    messages.info(request, message)
    target = reverse("accounts:login")
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)
