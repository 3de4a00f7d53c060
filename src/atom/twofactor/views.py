"""Two-step verification, the user's own page: authenticator app, passkeys, recovery codes."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from atom.accounts.sudo import in_sudo
from atom.audit.actors import Actor
from atom.ids import parse_id
from atom.security import keyring
from atom.security.runtime.state import state
from atom.twofactor import codes, passkeys, services
from atom.twofactor.forms import CodeForm, NewPasskeyForm
from atom.twofactor.models import Passkey
from atom.twofactor.refusals import code_message, passkey_message
from atom.twofactor.verify import refused

# The secret being set up, encrypted with the token key ring: it is in the
# session only until the first code matches (then it is saved, encrypted).
NEW_SECRET_KEY = "twofactor_new_secret"  # noqa: S105 - a session key name
# New recovery codes, shown on the next page only, then gone; encrypted
# like the secret, so the session store never holds them in clear.
NEW_CODES_KEY = "twofactor_new_codes"


def _deadline(request: HttpRequest) -> datetime | None:
    """When the company's requirement holds users without a second factor; None: not required."""
    state.refresh()
    deadline = state.company(request.user.company_id).two_factor_deadline
    return None if deadline is None else datetime.fromtimestamp(deadline, tz=UTC)


@never_cache
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    have = services.factors(user)
    deadline = _deadline(request)
    return render(
        request,
        "twofactor/manage.html",
        {
            "factors": have,
            "passkeys": Passkey.objects.filter(user=user),
            "passkey_form": NewPasskeyForm(),
            "registration_options": passkeys.registration_options(request, user),
            "company_requires": deadline is not None,
            "grace_ends": deadline if deadline and deadline > timezone.now() else None,
            "in_sudo": in_sudo(request),
        },
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
def authenticator(request: HttpRequest) -> HttpResponse:
    user = request.user
    if services.factors(user).app:
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect("twofactor:manage")
    vault = keyring.vault()
    stored = request.session.get(NEW_SECRET_KEY)
    if request.method == "GET" or not stored:
        secret = codes.new_secret()
        request.session[NEW_SECRET_KEY] = vault.encrypt(secret)
    else:
        secret = vault.decrypt(stored)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and stored:
        form.is_valid()
        try:
            new_codes = services.add_authenticator(
                user, secret, form.cleaned_data.get("code", ""), Actor.from_request(request)
            )
        except codes.CodeError as refusal:
            refused(request, user, "app", refusal.code, "enrolment")
            form.add_error("code", code_message("app", refusal.code))
            status = 400
        except services.TwoFactorRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("twofactor:manage")
        else:
            request.session.pop(NEW_SECRET_KEY, None)
            messages.success(request, _("Your authenticator app is set up."))
            return _show_codes(request, new_codes)
    uri = codes.provisioning_uri(secret, account=user.email, issuer="Atom")
    qr = segno.make(uri, error="m")
    return render(
        request,
        "twofactor/authenticator.html",
        {
            "form": form,
            "secret": codes.grouped(secret),
            "qr_data_uri": qr.svg_data_uri(scale=4, border=2, dark="#000", light="#fff"),
        },
        status=status,
    )


def _show_codes(request: HttpRequest, new_codes: list[str]) -> HttpResponse:
    if not new_codes:
        return redirect("twofactor:manage")
    request.session[NEW_CODES_KEY] = keyring.vault().encrypt("\n".join(new_codes))
    return redirect("twofactor:recovery_codes")


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    sealed = request.session.pop(NEW_CODES_KEY, None)
    if not sealed:
        return redirect("twofactor:manage")
    shown = keyring.vault().decrypt(sealed).split("\n")
    text = "\n".join(shown) + "\n"
    return render(
        request,
        "twofactor/recovery_codes.html",
        {
            "codes": shown,
            "download_href": "data:text/plain;charset=utf-8," + quote(text),
        },
    )


def _needs_sudo(request: HttpRequest) -> HttpResponse | None:
    if in_sudo(request):
        return None
    messages.info(request, _("Confirm it is you to continue."))
    return redirect(
        reverse("accounts:confirm_password") + "?next=" + quote(reverse("twofactor:manage"))
    )


@require_POST
@login_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NewPasskeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("name", [])) or _("Try again."))
        return redirect(reverse("twofactor:manage") + "#passkeys")
    try:
        credential = passkeys.verify_registration(
            request, user, form.cleaned_data.get("passkey_response") or ""
        )
        _passkey, new_codes = services.add_passkey(
            user,
            form.cleaned_data["name"],
            credential.credential_id,
            credential.public_key,
            credential.sign_count,
            Actor.from_request(request),
        )
    except passkeys.PasskeyError as refusal:
        refused(request, user, "passkey", refusal.code, "enrolment")
        messages.error(request, passkey_message(refusal.code))
        return redirect(reverse("twofactor:manage") + "#passkeys")
    except services.TwoFactorRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(reverse("twofactor:manage") + "#passkeys")
    messages.success(request, _("Passkey “%(name)s” added.") % {"name": form.cleaned_data["name"]})
    return _show_codes(request, new_codes)


@require_POST
@login_required
def passkey_remove(request: HttpRequest) -> HttpResponse:
    if (response := _needs_sudo(request)) is not None:
        return response
    passkey_id = parse_id(request.POST.get("passkey"))
    try:
        if passkey_id is None:
            raise services.TwoFactorRefused(_("This passkey was already removed."))
        off = services.remove_passkey(request.user, passkey_id, Actor.from_request(request))
    except services.TwoFactorRefused as refusal:
        messages.error(request, refusal.message)
    else:
        _removed_message(request, _("Passkey removed."), off)
    return redirect("twofactor:manage")


@require_POST
@login_required
def authenticator_remove(request: HttpRequest) -> HttpResponse:
    if (response := _needs_sudo(request)) is not None:
        return response
    try:
        off = services.remove_authenticator(request.user, Actor.from_request(request))
    except services.TwoFactorRefused as refusal:
        messages.error(request, refusal.message)
    else:
        _removed_message(request, _("Authenticator app removed."), off)
    return redirect("twofactor:manage")


def _removed_message(request: HttpRequest, done: str, off: bool) -> None:
    if off:
        done = f"{done} " + _("Two-step verification is now off for your account.")
    messages.success(request, done)


@require_POST
@login_required
def recovery_regenerate(request: HttpRequest) -> HttpResponse:
    if (response := _needs_sudo(request)) is not None:
        return response
    try:
        new_codes = services.regenerate_recovery_codes(request.user, Actor.from_request(request))
    except services.TwoFactorRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("twofactor:manage")
    messages.success(request, _("New recovery codes made. The old ones no longer work."))
    return _show_codes(request, new_codes)
