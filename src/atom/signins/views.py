"""Settings > My Account > Sessions: where you are signed in, and signing out there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.models import User
from atom.accounts.roles import company_admin_required
from atom.audit.actors import Actor
from atom.ids import parse_id
from atom.signins import keys, tracking
from atom.signins.services import end_session, end_sessions


@never_cache
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    current = request.session.session_key
    this_device = keys.digest(current) if current else ""
    sessions = [
        {"row": row, "this_device": row.key_digest == this_device}
        for row in tracking.live(request.user)
    ]
    others = sum(1 for item in sessions if not item["this_device"])
    return render(request, "signins/sessions.html", {"sessions": sessions, "others": others})


@require_POST
@login_required
def session_end(request: HttpRequest, signin_id: int) -> HttpResponse:
    current = request.session.session_key
    row = end_session(request.user, signin_id, actor=Actor.from_request(request))
    if row is None:
        raise Http404
    if current and row.key_digest == keys.digest(current):
        # Signing out this device is logging out.
        return redirect("accounts:login")
    messages.success(
        request,
        _("Signed out of %(device)s.") % {"device": device_name(row)},
    )
    return redirect("signins:sessions")


@require_POST
@login_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = end_sessions(
        request.user,
        except_session_key=request.session.session_key,
        actor=Actor.from_request(request),
        reason="signed_out_everywhere",
    )
    if count:
        messages.success(request, _("You were signed out everywhere else."))
    else:
        messages.info(request, _("You were not signed in anywhere else."))
    return redirect("signins:sessions")


@require_POST
@company_admin_required
def user_sign_out(request: HttpRequest, user_id: int) -> HttpResponse:
    """Users page: an owner or admin signs one of the company's users out everywhere."""
    target_id = parse_id(str(user_id))
    # Another company's user is a 404, never a 403 that confirms it exists.
    target = get_object_or_404(User, id=target_id, company=request.user.company)
    count = end_sessions(
        target,
        except_session_key=request.session.session_key if target == request.user else None,
        actor=Actor.from_request(request),
        reason="signed_out_by_admin",
    )
    if count:
        messages.success(
            request, _("%(email)s was signed out everywhere.") % {"email": target.email}
        )
    else:
        messages.info(request, _("%(email)s was not signed in.") % {"email": target.email})
    return redirect("accounts:users")


def device_name(row) -> str:
    if row.browser and row.system:
        return _("%(browser)s on %(system)s") % {"browser": row.browser, "system": row.system}
    return row.browser or row.system or _("an unknown browser")
