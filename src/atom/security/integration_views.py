"""The Integration tokens page: list, create, rotate and revoke each integration's token.

Its own page, linked from the API Token field of Security Settings: that
field stays exactly as the help page describes it. A new or rotated token is
shown once, in the answer to the POST that made it (never stored, never in a
URL or a session), with Copy; afterwards only its last 4 characters.
Creating, rotating, revoking and the maximum lifetime need sudo mode.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo
from atom.audit.actors import Actor
from atom.security import integrations
from atom.security.api_tokens import GRACE_CHOICES
from atom.security.core import scopes, token_expiry, tokens
from atom.security.core.messages import CodedError
from atom.security.forms import DEFAULT_GRACE, GRACE_LABELS, translate
from atom.security.models import IntegrationToken

EXPIRY_LABELS = {
    "30": gettext_lazy("30 days"),
    "90": gettext_lazy("90 days"),
    "365": gettext_lazy("365 days"),
    token_expiry.ON_DATE: gettext_lazy("On a date"),
    token_expiry.NEVER: gettext_lazy("Never"),
}


def _page_url() -> str:
    return reverse("security:integration_tokens")


def _confirm_first() -> HttpResponse:
    return redirect(reverse("accounts:confirm_password") + "?next=" + quote(_page_url()))


def masked(last4: str) -> str:
    return tokens.mask(last4, tokens.INTEGRATION_PREFIX)


def _render(
    request: HttpRequest,
    *,
    shown: tuple[IntegrationToken, str] | None = None,
    values: dict | None = None,
    problems: dict[str, list[str]] | None = None,
    maximum_problem: str = "",
    status: int = 200,
) -> HttpResponse:
    company = request.user.company
    now = timezone.now()
    rows = integrations.company_tokens(company)
    maximum = integrations.max_lifetime(company)
    values = values or {"expiry": "90", "scopes": []}
    context = {
        "rows": [
            {
                "row": row,
                "masked": masked(row.last4),
                "status": integrations.status(row, now),
                "scope_list": row.scopes,
                "in_grace": bool(row.previous_ends_at and row.previous_ends_at > now),
                "previous_masked": masked(row.previous_last4) if row.previous_last4 else "",
            }
            for row in rows
        ],
        "scope_choices": [(name, _(text)) for name, text in scopes.SCOPES.items()],
        "expiry_choices": [
            (value, label)
            for value, label in EXPIRY_LABELS.items()
            if maximum is None or value != token_expiry.NEVER
        ],
        "grace_choices": [(value, GRACE_LABELS[value]) for value in GRACE_CHOICES],
        "default_grace": DEFAULT_GRACE,
        "maximum": maximum,
        "maximum_problem": maximum_problem,
        "values": values,
        "problems": problems or {},
        "shown": shown,
        "shown_masked": masked(shown[0].last4) if shown else "",
        "in_sudo": in_sudo(request),
    }
    response = render(request, "security/integration_tokens.html", context, status=status)
    # The page may carry a token in full: never cached, by anyone.
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@company_admin_required
def integration_tokens(request: HttpRequest) -> HttpResponse:
    """The list, and the form that creates a token (POST)."""
    if request.method != "POST":
        return _render(request)
    if not in_sudo(request):
        return _confirm_first()
    company = request.user.company
    values = {
        "name": request.POST.get("name", ""),
        "description": request.POST.get("description", ""),
        "scopes": request.POST.getlist("scopes"),
        "expiry": request.POST.get("expiry", ""),
        "expiry_date": request.POST.get("expiry_date", ""),
        "addresses": request.POST.get("addresses", ""),
    }
    try:
        new = integrations.check(
            company,
            name=values["name"],
            description=values["description"],
            scope_values=values["scopes"],
            expiry=values["expiry"],
            expiry_date=values["expiry_date"],
            addresses=values["addresses"],
        )
        created = integrations.create(company, new, Actor.from_request(request))
    except integrations.Refused as refused:
        return _render(request, values=values, problems=refused.problems, status=400)
    return _render(request, shown=created)


@require_POST
@never_cache
@company_admin_required
def integration_token_rotate(request: HttpRequest, token_id: int) -> HttpResponse:
    if not in_sudo(request):
        return _confirm_first()
    grace = GRACE_CHOICES.get(request.POST.get("grace", ""))
    if grace is None:
        raise Http404
    rotated = integrations.rotate(
        request.user.company, token_id, grace, Actor.from_request(request)
    )
    if rotated is None:
        raise Http404
    return _render(request, shown=rotated)


@require_POST
@never_cache
@company_admin_required
def integration_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Asks first (a page naming the token and its last use), then needs sudo mode."""
    company = request.user.company
    row = IntegrationToken.objects.filter(
        company=company, id=token_id, revoked_at__isnull=True
    ).first()
    if row is None:
        raise Http404
    if request.POST.get("confirmed") != "1":
        return render(
            request,
            "security/revoke_integration_token.html",
            {"row": row, "masked": masked(row.last4)},
        )
    if not in_sudo(request):
        return _confirm_first()
    integrations.revoke(company, token_id, Actor.from_request(request))
    messages.success(
        request,
        _("The integration token %(name)s was revoked; it stopped working everywhere.")
        % {"name": row.name},
    )
    return redirect(_page_url())


@require_POST
@never_cache
@company_admin_required
def integration_token_maximum(request: HttpRequest) -> HttpResponse:
    """The company's maximum lifetime of new integration tokens."""
    if not in_sudo(request):
        return _confirm_first()
    try:
        days = token_expiry.parse_maximum(request.POST.get("max_lifetime_days", ""))
    except CodedError as error:
        return _render(request, maximum_problem=translate(error), status=400)
    integrations.set_max_lifetime(request.user.company, days, Actor.from_request(request))
    messages.success(
        request,
        _("New integration tokens must now expire within %(days)s days.") % {"days": days}
        if days
        else _("New integration tokens may now live as long as their creator chooses."),
    )
    return redirect(_page_url())
