"""The Users page under My Company: owners and admins manage their company's users."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from atom.accounts.forms import AddUserForm, RoleForm
from atom.accounts.models import Role, User
from atom.accounts.roles import company_admin_required
from atom.accounts.services import UserChangeRefused, add_user, change_role, set_active
from atom.audit.actors import Actor


# Emails, roles and statuses: kept out of shared caches and the back button's copy.
@never_cache
@company_admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.filter(company=request.user.company).order_by("-is_active", "email")
    return render(request, "accounts/users.html", {"users": users, "roles": Role.choices})


@sensitive_post_parameters("password")
@never_cache
@company_admin_required
def user_add(request: HttpRequest) -> HttpResponse:
    company = request.user.company
    form = AddUserForm(company, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["role"] == Role.OWNER and request.user.role != Role.OWNER:
            form.add_error("role", _("Only an owner can add another owner."))
        else:
            user = add_user(
                company,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                form.cleaned_data["password"],
                Actor.from_request(request),
            )
            messages.success(
                request,
                _(
                    "%(email)s was added. Give them the initial password in person or by phone; "
                    "they will choose their own at first log-in."
                )
                % {"email": user.email},
            )
            return redirect("accounts:users")
    return render(
        request, "accounts/user_add.html", {"form": form}, status=400 if form.errors else 200
    )


def _company_user(request: HttpRequest, user_id: int) -> User:
    # Another company's user is a 404, never a 403 that confirms it exists.
    return get_object_or_404(User, id=user_id, company=request.user.company)


@require_POST
@company_admin_required
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _company_user(request, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: owner, admin or agent."))
        return redirect("accounts:users")
    try:
        change_role(Actor.from_request(request), target, form.cleaned_data["role"])
        messages.success(
            request,
            _("%(email)s is now %(role)s.")
            % {"email": target.email, "role": target.get_role_display()},
        )
    except UserChangeRefused as refused:
        messages.error(request, str(refused))
    if not request.session.exists(request.session.session_key):
        # Lowering one's own role ends one's own sessions, this one included:
        # start a clean one (the message above goes with it) at the log-in.
        logout(request)
        return redirect("accounts:login")
    return redirect("accounts:users")


@require_POST
@company_admin_required
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _company_user(request, user_id)
    active = request.POST.get("active") == "1"
    try:
        set_active(Actor.from_request(request), target, active)
        if active:
            messages.success(request, _("%(email)s can log in again.") % {"email": target.email})
        else:
            messages.success(
                request,
                _("%(email)s was deactivated and can no longer log in.") % {"email": target.email},
            )
    except UserChangeRefused as refused:
        messages.error(request, str(refused))
    return redirect("accounts:users")
