from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from atom.accounts import verification
from atom.accounts.forms import ChangePasswordForm, ConfirmPasswordForm, LoginForm, NewPasswordForm
from atom.accounts.models import User, normalize_email
from atom.accounts.sudo import grant_sudo, sudo_seconds
from atom.api.errors import wants_json
from atom.audit.actors import Actor
from atom.audit.log import record
from atom.mail.notify import notify
from atom.security.core import password_size
from atom.security.runtime.denials import record_denial
from atom.security.runtime.middleware import (
    address_allowed,
    address_refused_page,
    client_address_text,
)
from atom.signins.login import signed_in
from atom.signins.services import end_sessions
from atom.twofactor import login as twofactor_login
from atom.twofactor import sudo as twofactor_sudo

# One message for an unknown email and a wrong password: no user enumeration.
GENERIC_LOGIN_ERROR = gettext_noop("Email or password is incorrect.")


def safe_next(request: HttpRequest, default: str) -> str:
    """The ?next= target, if it stays on this site; never an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("home")))
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        password = form.cleaned_data["password"]
        user = authenticate(request, username=email, password=password)
        if getattr(request, "axes_locked_out", False):
            # AxesMiddleware answers with locked_out() below.
            return render(request, "accounts/login.html", {"form": form}, status=429)
        if user is None:
            known = (
                User.objects.filter(email=normalize_email(email)).select_related("company").first()
            )
            record(
                "login.failed",
                request=request,
                company=known.company if known else None,
                details={"email": normalize_email(email)},
            )
            error = _(GENERIC_LOGIN_ERROR)
            status = 400
        elif not address_allowed(request, user.company_id):
            # From an address the company refuses, a wrong password gets the
            # generic answer and the right one gets this refusal, and BOTH
            # count as failed log-ins (reported like authenticate() reports a
            # wrong password, which django-axes counts). So a refused address
            # has no more guesses than any other (ATOM_LOGIN_FAILURE_LIMIT per
            # account and address per cool-off), never gets a session, and the
            # person with the right password learns why they cannot get in.
            # Once locked out, every attempt gets the same 429.
            record("login.address_refused", request=request, user=user)
            user_login_failed.send(
                sender=__name__, credentials={"username": email}, request=request
            )
            error = _(
                "Access from your address %(address)s is not allowed by your company's "
                "security settings."
            ) % {"address": client_address_text(request) or _("unknown")}
            status = 403
        else:
            return complete_login(request, user, password)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": safe_next(request, "")},
        status=status,
    )


def complete_login(request: HttpRequest, user: User, password: str) -> HttpResponse:
    # A password shorter than today's Password Size still opens the door
    # once, straight to "Change your password" (Google Workspace's
    # "enforce at next sign-in"), so raising the minimum locks no one out.
    minimum = user.company.security.password_size
    if password_size.length(password) < minimum and not user.must_change_password:
        user.must_change_password = True
        user.password_change_reason = "policy"  # noqa: S105 - a reason code
        user.save(update_fields=["must_change_password", "password_change_reason"])
        record(
            "password.change_required",
            request=request,
            user=user,
            details={"reason": "policy", "minimum": minimum},
        )
    # A user with a second factor is not logged in yet: its page is next.
    if (second_step := twofactor_login.second_step(request, user, safe_next(request, ""))) is not None:
        return second_step
    # login() gives the session a new key: no session fixation.
    login(request, user, backend="atom.accounts.backends.EmailBackend")
    signed_in(request, user)
    grant_sudo(request)
    record("login.succeeded", request=request, user=user)
    if user.must_change_password:
        return redirect("accounts:password_change")
    return redirect(safe_next(request, reverse("home")))


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes calls this once an (email, address) pair has failed too often."""
    email = normalize_email((credentials or {}).get("username", "") or "")
    known = User.objects.filter(email=email).select_related("company").first() if email else None
    record(
        "login.locked_out",
        request=request,
        company=known.company if known else None,
        details={"email": email},
    )
    form = LoginForm(initial={"email": email})
    error = _("Too many failed log-in attempts. Wait 15 minutes, or reset your password.")
    response = render(request, "accounts/login.html", {"form": form, "error": error}, status=429)
    response["Retry-After"] = str(verification.lockout_seconds())
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("logout", request=request)
    logout(request)
    return redirect("accounts:login")


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ChangePasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = user.password_change_reason
        form.save()
        update_session_auth_hash(request, user)
        record("password.changed", request=request, details={"required": bool(reason)})
        end_sessions(
            user,
            except_session_key=request.session.session_key,
            actor=Actor.from_request(request),
            reason="password_changed",
        )
        notify(
            "password.changed", company=user.company, actor=Actor.from_request(request), user=user
        )
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    if form.locked_out and wants_json(request):
        return verification.locked_out_json()
    status = 429 if form.locked_out else 400 if form.errors else 200
    response = render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "required": user.must_change_password,
            "reason": user.password_change_reason,
        },
        status=status,
    )
    if form.locked_out:
        response["Retry-After"] = str(verification.lockout_seconds())
    return response


@sensitive_post_parameters("password")
@login_required
@never_cache
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Sudo mode: sensitive token actions need the password entered in the last 15 minutes.

    Each wrong password counts toward the log-in lock-out of this account
    from this address (atom.accounts.verification): the person at an
    unattended logged-in computer gets no more guesses here than at log-in.
    """
    if twofactor_sudo.needs_second_step(request.user):
        return twofactor_sudo.confirm(request)
    form = ConfirmPasswordForm(request.POST or None)
    json = wants_json(request)
    status = 200
    if request.method == "POST":
        # An empty field is no guess: refused without counting toward the lock-out.
        password = form.cleaned_data["password"] if form.is_valid() else None
        if password is not None and verification.check_password(
            request, request.user, password, where="sudo"
        ):
            grant_sudo(request)
            record("sudo.confirmed", request=request)
            if json:
                return JsonResponse({"confirmed": True, "validForSeconds": sudo_seconds()})
            return redirect(safe_next(request, reverse("companies:settings")))
        if password is not None and verification.is_locked_out(request, request.user):
            if json:
                return verification.locked_out_json()
            form.add_error(None, verification.lockout_message())
            status = 429
        else:
            message = _("Your password is not correct.")
            if json:
                return JsonResponse({"error": "password_incorrect", "message": message}, status=400)
            form.add_error("password", message)
            status = 400
    response = render(
        request,
        "accounts/confirm_password.html",
        {"form": form, "next": safe_next(request, "")},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(verification.lockout_seconds())
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset flow. The page says the same whether or not the email exists."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = normalize_email(form.cleaned_data["email"])
        known = User.objects.filter(email=email, is_active=True).select_related("company").first()
        if known is not None and not address_allowed(self.request, known.company_id):
            # The Allowed IP Addresses cover the console, the reset included:
            # no link is sent, and the page says what it says for an
            # unknown email, so the refusal reveals nothing about the account.
            record_denial(self.request, known.company_id, via="password_reset", user=known)
            return HttpResponseRedirect(self.get_success_url())
        if known is not None:
            record(
                "password.reset_requested",
                request=self.request,
                company=known.company,
                details={"email": email},
            )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    form_class = NewPasswordForm
    post_reset_login = False

    def dispatch(self, *args, **kwargs):
        # A valid link opened from an address the user's company refuses is
        # refused like the console: the new password could otherwise be set
        # from anywhere. Only a valid link gets this answer, so trying ids
        # without a token learns nothing about which accounts exist.
        user = self.get_user(kwargs.get("uidb64", ""))
        if (
            user is not None
            and self._link_is_valid(user, kwargs.get("token", ""))
            and not address_allowed(self.request, user.company_id)
        ):
            record_denial(self.request, user.company_id, via="password_reset", user=user)
            return address_refused_page(self.request)
        return super().dispatch(*args, **kwargs)

    def _link_is_valid(self, user, token: str) -> bool:
        if token == self.reset_url_token:
            # After the first visit the token waits in the session, out of the URL.
            token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN, "")
        return self.token_generator.check_token(user, token)

    def form_valid(self, form):
        response = super().form_valid(form)
        record("password.reset", request=self.request, user=form.user)
        # Whoever knew the old password is signed out everywhere, and the
        # account's owner hears of it even if the reset was not theirs.
        actor = Actor.for_user(
            form.user,
            ip=getattr(self.request, "client_ip", None) and str(self.request.client_ip),
            user_agent=self.request.META.get("HTTP_USER_AGENT", ""),
        )
        end_sessions(form.user, actor=actor, reason="password_reset")
        notify("password.changed", company=form.user.company, actor=actor, user=form.user)
        return response


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")
