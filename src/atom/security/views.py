"""The Security Settings section's Save, and the API token's buttons."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo, sudo_required
from atom.audit.log import record
from atom.companies.views import render_settings_page
from atom.security import api_tokens, section
from atom.security.core import allowlist
from atom.security.forms import SecuritySettingsForm, translate


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@require_POST
@company_admin_required
def save(request: HttpRequest) -> HttpResponse:
    company = request.user.company
    if request.POST.get("add_current_address"):
        return _with_current_address(request)
    form = SecuritySettingsForm(request.POST)
    if form.is_valid():
        try:
            result = section.save(request, form, sudo=in_sudo(request))
        except section.SaveRefused as refused:
            if refused.code == "conflict":
                # Show what is saved now, with the other admin's changes.
                messages.error(request, refused.message)
                return render_settings_page(
                    request, security_form=section.unbound_form(company), status=409
                )
            form.add_error(refused.field, refused.message)
            if refused.code == "password_required":
                form.sudo_needed = True
        else:
            if "api_token" in result.changed:
                messages.success(
                    request,
                    _(
                        "Saved. The new API token is now used by every Atom API and webhook connection."
                    ),
                )
            else:
                messages.success(request, _("Saved."))
            for notice in getattr(form, "notices", []):
                messages.info(request, notice)
            return redirect(reverse("companies:settings") + "#security")
    pending_id = form.data.get("pending_token") or None
    return render_settings_page(
        request,
        security_form=form,
        pending_id=int(pending_id) if str(pending_id).isdigit() else None,
        status=400,
    )


def _with_current_address(request: HttpRequest) -> HttpResponse:
    """No-JS "Add my current address": put it on the list, save nothing yet."""
    data = request.POST.copy()
    address = getattr(request, "client_ip", None)
    if address is not None:
        lines = data.get("allowed_addresses", "").rstrip("\n")
        data["allowed_addresses"] = f"{lines}\n{address}".lstrip("\n")
    form = SecuritySettingsForm(data)
    form.is_valid()
    pending_id = data.get("pending_token") or ""
    return render_settings_page(
        request, security_form=form, pending_id=int(pending_id) if pending_id.isdigit() else None
    )


@require_POST
@company_admin_required
def allowlist_check(request: HttpRequest) -> HttpResponse:
    """Validate typed or pasted lines as the admin enters them; the Save re-checks all."""
    parsed = allowlist.parse_lines(
        request.POST.get("lines", ""), allow_private=settings.ATOM_ALLOW_PRIVATE_ADDRESSES
    )
    return JsonResponse(
        {
            "entries": [
                {"line": line, "text": entry.text, "label": entry.label}
                for line, entry in zip(parsed.lines, parsed.entries, strict=True)
            ],
            "errors": [
                {"line": item.line, "message": translate(item.error)} for item in parsed.errors
            ],
            "notices": [translate(notice) for notice in parsed.notices],
        }
    )


@require_POST
@never_cache
@company_admin_required
@sudo_required
def token_reveal(request: HttpRequest) -> HttpResponse:
    """The clear token, for the eye button (purpose=show) or Copy (purpose=copy)."""
    company = request.user.company
    which = request.POST.get("which", "active")
    purpose = "copy" if request.POST.get("purpose") == "copy" else "show"
    if which == "pending":
        raw_id = request.POST.get("id", "")
        row = (
            api_tokens.pending_token(company, request.user, int(raw_id))
            if raw_id.isdigit()
            else None
        )
    else:
        row = api_tokens.active_token(company)
    if row is None:
        raise Http404
    record(
        "token.copied" if purpose == "copy" else "token.revealed",
        request=request,
        details={"last4": row.last4, "which": which},
    )
    response = JsonResponse({"token": api_tokens.reveal(row)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@company_admin_required
def token_generate(request: HttpRequest) -> HttpResponse:
    if not in_sudo(request):
        if _wants_json(request):
            from atom.accounts.sudo import sudo_required_response

            return sudo_required_response()
        return redirect(
            reverse("accounts:confirm_password") + "?next=" + reverse("companies:settings")
        )
    row = api_tokens.generate_pending(request.user.company, request.user, request=request)
    if _wants_json(request):
        return JsonResponse(
            {
                "id": row.id,
                "masked": api_tokens.masked(row),
                "expiresAt": row.expires_at.isoformat(),
            }
        )
    return redirect(reverse("companies:settings") + f"?pending={row.id}#security")


@require_POST
@company_admin_required
def token_discard(request: HttpRequest) -> HttpResponse:
    """Leaving the page without saving discards the pending token (sent as a beacon)."""
    api_tokens.discard_pending(request.user.company, request.user)
    return HttpResponse(status=204)


@require_POST
@company_admin_required
def token_end_grace(request: HttpRequest, token_id: int) -> HttpResponse:
    row = api_tokens.end_grace(request.user.company, token_id, request=request)
    if row is None:
        raise Http404
    messages.success(
        request, _("The old token ending in %(last4)s stopped working.") % {"last4": row.last4}
    )
    return redirect(reverse("companies:settings") + "#security")
