"""Sudo mode with a second step: the password and a second factor, when the user has one.

accounts.views.confirm_password hands over to ``confirm`` for such users,
so every sensitive action (the API token, weakening a setting, removing a
factor) asks for both. A code in the field is an authenticator code when it
is 6 digits, a recovery code otherwise; a passkey answers instead of a code.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from atom.accounts import verification
from atom.accounts.sudo import grant_sudo, sudo_seconds
from atom.api.errors import error as json_error
from atom.api.errors import wants_json
from atom.audit.log import record
from atom.twofactor import codes, passkeys, services
from atom.twofactor.forms import ConfirmForm
from atom.twofactor.refusals import code_message, passkey_message
from atom.twofactor.verify import refused


def needs_second_step(user) -> bool:
    return services.has_second_factor(user)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("companies:settings") if request.user.is_company_admin else reverse("home")


def confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and verification.is_locked_out(request, user):
        if wants_json(request):
            return verification.locked_out_json()
        form.is_valid()
        form.add_error(None, verification.lockout_message())
        status = 429
    elif request.method == "POST":
        form.is_valid()
        data = form.cleaned_data
        problem = _check(request, user, data)
        if problem is None:
            verification.record_success(request, user)
            grant_sudo(request)
            record("sudo.confirmed", request=request, details={"second_step": True})
            if wants_json(request):
                return JsonResponse({"confirmed": True, "validForSeconds": sudo_seconds()})
            return redirect(_next(request))
        field, message = problem
        if wants_json(request) and field == "code" and not data.get("code"):
            # The Settings page's password dialog has no code field: send
            # the person to this page, which has.
            return json_error(
                400,
                "second_step_required",
                _(
                    "Two-step verification is on for your account: confirm on the page "
                    "%(url)s with your password and a code or a passkey, then come back."
                )
                % {"url": request.build_absolute_uri(reverse("accounts:confirm_password"))},
            )
        if wants_json(request):
            return json_error(400, "second_step_incorrect", message)
        form.add_error(field, message)
        status = 400
    have = services.factors(user)
    return render(
        request,
        "twofactor/confirm.html",
        {
            "form": form,
            "next": _next(request),
            "passkey_options": passkeys.authentication_options(request, user)
            if have.passkeys
            else "",
        },
        status=status,
    )


def _check(request: HttpRequest, user, data: dict) -> tuple[str | None, str] | None:
    if not verification.check_password(request, user, data.get("password") or "", where="sudo"):
        record("sudo.failed", request=request)
        return "password", _("Password: your password is not correct.")
    answer = data.get("passkey_response") or ""
    text = data.get("code") or ""
    if answer:
        try:
            passkeys.verify_authentication(request, user, answer)
        except passkeys.PasskeyError as refusal:
            refused(request, user, "passkey", refusal.code, "sudo")
            return None, passkey_message(refusal.code)
        return None
    method = "app" if "".join(text.split()).isdigit() else "recovery"
    if not text.strip():
        # Audited, but not counted toward the lock-out: nothing was guessed.
        record(
            "twofactor.failed",
            request=request,
            details={"where": "sudo", "method": method, "reason": "missing"},
        )
        return "code", _(
            "Code: two-step verification is on for your account. Enter the code your "
            "authenticator app shows, or a recovery code, or use a passkey."
        )
    try:
        if method == "app":
            services.verify_app_code(user, text)
        else:
            services.use_recovery_code(user, text)
    except codes.CodeError as refusal:
        refused(request, user, method, refusal.code, "sudo")
        return "code", code_message(method, refusal.code)
    return None
