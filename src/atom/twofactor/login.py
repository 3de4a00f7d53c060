"""The second step of a log-in: after the password, before the session.

The password step stores only the user's id, the time and where to go in
the anonymous session; nothing logs the user in until a second factor
matches, within ATOM_SECOND_STEP_MINUTES (5 by default), after which the
log-in starts again from the password.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from atom.accounts.models import User
from atom.accounts.sudo import grant_sudo
from atom.audit.log import record
from atom.signins.login import signed_in
from atom.twofactor.services import has_second_factor

PENDING_KEY = "twofactor_pending"
# Set at a log-in without a second factor while the company requires one:
# the first page afterwards is the set-up (atom.twofactor.middleware).
SET_UP_NUDGE_KEY = "twofactor_set_up_nudge"


def second_step(request: HttpRequest, user, next_url: str) -> HttpResponse | None:
    """The hook after a correct password: the second step's page, or None to log in now."""
    if has_second_factor(user):
        request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(), "next": next_url}
        return redirect("twofactor:verify")
    if user.company.security.require_two_factor:
        request.session[SET_UP_NUDGE_KEY] = True
    return None


def pending_user(request: HttpRequest) -> tuple[User | None, bool]:
    """(the user between password and second step, whether their time ran out)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, False
    if time.time() - float(pending.get("at", 0)) > settings.ATOM_SECOND_STEP_MINUTES * 60:
        request.session.pop(PENDING_KEY, None)
        return None, True
    user = User.objects.select_related("company").filter(pk=pending.get("user")).first()
    if user is None or not user.is_active:
        request.session.pop(PENDING_KEY, None)
        return None, False
    return user, False


def finish(request: HttpRequest, user, method: str) -> HttpResponse:
    pending = request.session.pop(PENDING_KEY, {})
    # login() gives the session a new key: no session fixation.
    login(request, user, backend="atom.accounts.backends.EmailBackend")
    signed_in(request, user)
    grant_sudo(request)
    record("login.succeeded", request=request, user=user, details={"second_step": method})
    if user.must_change_password:
        return redirect("accounts:password_change")
    return redirect(pending.get("next") or reverse("home"))
