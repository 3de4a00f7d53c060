"""An owner or admin resets a user's second factor (a lost phone): sudo, audited."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atom.accounts.models import Role, User
from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo
from atom.audit.actors import Actor
from atom.twofactor import services


@require_POST
@company_admin_required
def reset_user(request: HttpRequest, user_id: int) -> HttpResponse:
    # Another company's user is a 404, never a 403 that confirms it exists.
    member = get_object_or_404(User, id=user_id, company=request.user.company)
    if not in_sudo(request):
        messages.info(request, _("Confirm it is you to continue."))
        users = reverse("accounts:users")
        return redirect(reverse("accounts:confirm_password") + "?next=" + quote(users))
    if member.role == Role.OWNER and request.user.role != Role.OWNER:
        messages.error(request, _("Only an owner can reset an owner's two-step verification."))
        return redirect("accounts:users")
    services.reset(member, Actor.from_request(request))
    messages.success(
        request,
        _(
            "Two-step verification of %(email)s was reset. They set it up again at their next "
            "log-in if your company requires it."
        )
        % {"email": member.email},
    )
    return redirect("accounts:users")
