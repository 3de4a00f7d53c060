"""Log-in, second step: a code from the authenticator app, a passkey, or a recovery code."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from atom.accounts import verification
from atom.audit.log import record
from atom.twofactor import codes, login, passkeys, services
from atom.twofactor.forms import CodeForm, PasskeyResponseForm, RecoveryCodeForm
from atom.twofactor.refusals import code_message, passkey_message

METHODS = ("app", "passkey", "recovery")


def available_methods(user) -> list[str]:
    have = services.factors(user)
    methods = []
    if have.app:
        methods.append("app")
    if have.passkeys:
        methods.append("passkey")
    if have.recovery_left:
        methods.append("recovery")
    return methods


def refused(request: HttpRequest, user, method: str, reason: str, where: str) -> None:
    """Audit a refused second step; at log-in and sudo it counts toward the lock-out."""
    record(
        "twofactor.failed",
        request=request,
        user=user,
        details={"where": where, "method": method, "reason": reason},
    )
    if where in ("login", "sudo"):
        verification.record_failure(request, user, where="two_factor")


@sensitive_post_parameters("code", "passkey_response")
@csrf_protect
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    user, expired = login.pending_user(request)
    if user is None:
        if expired:
            messages.error(
                request,
                _("The second step took longer than %(minutes)d minutes. Log in again.")
                % {"minutes": settings.ATOM_SECOND_STEP_MINUTES},
            )
        return redirect("accounts:login")
    methods = available_methods(user)
    if not methods:
        # Reset meanwhile (an admin, `atom 2fa reset`): start again from the password.
        request.session.pop(login.PENDING_KEY, None)
        return redirect("accounts:login")
    method = request.POST.get("method") or request.GET.get("method") or methods[0]
    if method not in methods:
        method = methods[0]
    error = None
    status = 200
    form = (RecoveryCodeForm if method == "recovery" else CodeForm)(request.POST or None)
    if request.method == "POST":
        if verification.is_locked_out(request, user):
            record("login.locked_out", request=request, user=user, details={"email": user.email})
            error = verification.lockout_message()
            status = 429
        else:
            error = _check(request, user, method, form)
            if error is None:
                verification.record_success(request, user)
                return login.finish(request, user, method)
            status = 400
            if verification.is_locked_out(request, user):
                error, status = verification.lockout_message(), 429
    options = passkeys.authentication_options(request, user) if method == "passkey" else ""
    return render(
        request,
        "twofactor/verify.html",
        {
            "form": form,
            "method": method,
            "others": [m for m in methods if m != method],
            "error": error,
            "passkey_options": options,
        },
        status=status,
    )


def _check(request: HttpRequest, user, method: str, form) -> str | None:
    """None if the second step matched; else the message (audited and counted)."""
    try:
        if method == "passkey":
            answer = PasskeyResponseForm(request.POST)
            answer.is_valid()
            passkeys.verify_authentication(
                request, user, answer.cleaned_data.get("passkey_response") or ""
            )
            return None
        form.is_valid()
        text = form.cleaned_data.get("code", "")
        if method == "recovery":
            services.use_recovery_code(user, text)
        else:
            services.verify_app_code(user, text)
        return None
    except codes.CodeError as refusal:
        refused(request, user, method, refusal.code, "login")
        return code_message(method, refusal.code)
    except passkeys.PasskeyError as refusal:
        refused(request, user, method, refusal.code, "login")
        return passkey_message(refusal.code)
