"""The Security Settings section's live endpoints: the API token's buttons and the allowlist check.

The section's Save belongs to the page that shows it (atom.companies.views).
"""

from __future__ import annotations

import re
from inspect import signature
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo, sudo_required, sudo_required_response
from atom.api.errors import error, wants_json
from atom.audit.actors import Actor
from atom.audit.log import record
from atom.ids import parse_id
from atom.security import api_tokens, services
from atom.security.core import allowlist
from atom.security.core.allowlist_errors import TooManyEntries
from atom.security.forms import SecuritySettingsForm, translate

# The limits of Save, so the check costs no more than a Save: the field's
# length and the parser's entry count (its own default, which Save uses).
_CHECK_MAX_CHARACTERS = SecuritySettingsForm.base_fields["allowed_addresses"].max_length
_CHECK_MAX_ENTRIES = signature(allowlist.parse_lines).parameters["max_entries"].default
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what a browser textarea submits


def _check_too_big(text: str) -> JsonResponse | None:
    """A refusal for a list that Save would refuse for its size, before any parsing.

    Parsing costs up to a millisecond a line, so a pasted list of a hundred
    thousand lines would keep a worker busy for seconds.
    """
    if len(text) > _CHECK_MAX_CHARACTERS:
        return error(
            413,
            "payload_too_large",
            _(
                "Allowed IP Addresses: the list has %(length)s characters; at most "
                "%(maximum)s fit. Remove entries, or combine neighbouring addresses into ranges."
            )
            % {"length": f"{len(text):,}", "maximum": f"{_CHECK_MAX_CHARACTERS:,}"},
        )
    counted = 0
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if line.strip():
            counted += 1
            if counted > _CHECK_MAX_ENTRIES:
                too_many = TooManyEntries(maximum=f"{_CHECK_MAX_ENTRIES:,}", line=number)
                return error(400, "validation_error", translate(too_many))
    return None


@require_POST
@company_admin_required
def allowlist_check(request: HttpRequest) -> HttpResponse:
    """Validate typed or pasted lines as the admin enters them; the Save re-checks all."""
    text = request.POST.get("lines", "")
    refusal = _check_too_big(text)
    if refusal is not None:
        return refusal
    parsed = allowlist.parse_lines(text, allow_private=settings.ATOM_ALLOW_PRIVATE_ADDRESSES)
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
        token_id = parse_id(request.POST.get("id", ""))
        row = api_tokens.pending_token(company, request.user, token_id) if token_id else None
    else:
        row = api_tokens.active_token(company)
    if row is None:
        raise Http404
    record(
        "token.copied" if purpose == "copy" else "token.revealed",
        actor=Actor.from_request(request),
        company=company,
        details={"last4": row.last4, "which": which},
    )
    response = JsonResponse({"token": api_tokens.reveal(row)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@never_cache
@company_admin_required
def token_generate(request: HttpRequest) -> HttpResponse:
    """A new pending token, shown in full at once (sudo mode), to copy before Save."""
    if not in_sudo(request):
        if wants_json(request):
            return sudo_required_response()
        return redirect(
            reverse("accounts:confirm_password") + "?next=" + reverse("companies:settings")
        )
    row = api_tokens.generate_pending(request.user.company, Actor.from_request(request))
    if wants_json(request):
        response = JsonResponse(
            {
                "id": row.id,
                "masked": api_tokens.masked(row),
                "token": api_tokens.reveal(row),
                "expiresAt": row.expires_at.isoformat(),
            }
        )
        response["Cache-Control"] = "no-store"
        return response
    # The page shows the user's pending token in full: no id in the URL.
    return redirect(reverse("companies:settings") + "#api-token-field")


@require_POST
@company_admin_required
def token_discard(request: HttpRequest) -> HttpResponse:
    """ "Discard new token": the pending token ends on purpose, audited."""
    discarded = api_tokens.discard_pending(request.user.company, Actor.from_request(request))
    if wants_json(request):
        return JsonResponse({"discarded": len(discarded)})
    if discarded:
        messages.info(
            request,
            _("The new token was discarded; the current token is unchanged."),
            extra_tags="security-token",
        )
    return redirect(reverse("companies:settings") + "#token-result")


@require_POST
@never_cache
@company_admin_required
def token_end_grace(request: HttpRequest, token_id: int) -> HttpResponse:
    """ "Stop … now": asks first (a page naming the token's last use), then needs sudo mode."""
    company = request.user.company
    row = next((old for old in api_tokens.grace_tokens(company) if old.id == token_id), None)
    if row is None:
        raise Http404
    if request.POST.get("confirmed") != "1":
        return render(request, "security/stop_token.html", {"old": row})
    try:
        stopped = services.stop_old_token(
            company, token_id, Actor.from_request(request), recently_confirmed=in_sudo(request)
        )
    except services.PasswordRequired:
        if wants_json(request):
            return sudo_required_response()
        back = reverse("companies:settings") + "#api-token-field"
        return redirect(reverse("accounts:confirm_password") + "?next=" + quote(back))
    if stopped is None:
        raise Http404
    messages.success(
        request,
        _("The old token ending in %(last4)s stopped working.") % {"last4": stopped.last4},
        extra_tags="security-token",
    )
    if wants_json(request):
        return JsonResponse({"stopped": stopped.last4})
    return redirect(reverse("companies:settings") + "#token-result")
