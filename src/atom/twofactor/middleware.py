"""The company's "Require two-step verification", enforced on every console request.

Until the deadline (the time it was required plus its grace), a user
without a second factor is sent to the set-up once, at log-in, and may go
on; after it, every page leads to the set-up and the console's JSON
endpoints answer 403, on every process: the deadline travels with the rest
of the company's security state (atom.security.runtime.state), which a
Save announces to every process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from atom.api.errors import error, wants_json
from atom.api.paths import NOT_CONSOLE_PREFIXES
from atom.security.runtime.state import state
from atom.twofactor.login import SET_UP_NUDGE_KEY
from atom.twofactor.services import has_second_factor
from atom.twofactor.urls import PREFIX

# What a user held to the set-up may still reach besides its pages.
_ALLOWED_NAMES = ("accounts:logout", "set_language", "accounts:confirm_password")


def second_step_required(get_response: Callable[[HttpRequest], HttpResponse]):
    allowed_paths: set[str] = set()

    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(NOT_CONSOLE_PREFIXES) or not request.user.is_authenticated:
            return get_response(request)
        if path.startswith(PREFIX):
            # The set-up itself: the one visit the log-in asked for is made.
            request.session.pop(SET_UP_NUDGE_KEY, None)
            return get_response(request)
        if not allowed_paths:
            allowed_paths.update(reverse(name) for name in _ALLOWED_NAMES)
        if path in allowed_paths:
            return get_response(request)
        if request.session.pop(SET_UP_NUDGE_KEY, False) and not wants_json(request):
            return redirect("twofactor:manage")
        state.refresh()
        deadline = state.company(request.user.company_id).two_factor_deadline
        if deadline is None or time.time() < deadline or has_second_factor(request.user):
            return get_response(request)
        if wants_json(request):
            return error(403, "two_step_required", _("Set up two-step verification first."))
        return redirect("twofactor:manage")

    return middleware
