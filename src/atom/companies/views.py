"""Settings > My Company > Settings: the company's name and its Security Settings.

This module is the one owner of the page: it assembles the context, and
its views answer both of the page's forms. The Security Settings section
contributes its form (atom.security.forms) and its token context
(``security_context``); the writes go through the services.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo
from atom.audit.actors import Actor
from atom.companies.forms import CompanyForm
from atom.companies.services import rename_company
from atom.ids import parse_id
from atom.security import api_tokens, services
from atom.security.forms import SecuritySettingsForm


def security_context(request: HttpRequest, pending_id: int | None) -> dict:
    company = request.user.company
    pending = api_tokens.pending_token(company, request.user, pending_id) if pending_id else None
    return {
        "pending_token": pending,
        "active_token": api_tokens.active_token(company),
        "grace_tokens": api_tokens.grace_tokens(company),
        "client_address": getattr(request, "client_ip", None),
        "in_sudo": in_sudo(request),
    }


def render_settings_page(
    request: HttpRequest,
    *,
    company_form: CompanyForm | None = None,
    security_form: SecuritySettingsForm | None = None,
    pending_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    company = request.user.company
    context = {
        "company": company,
        "company_form": company_form or CompanyForm(initial={"name": company.name}),
        "security_form": security_form or SecuritySettingsForm.for_company(company),
        **security_context(request, pending_id),
    }
    return render(request, "companies/settings.html", context, status=status)


@never_cache
@company_admin_required
def company_settings(request: HttpRequest) -> HttpResponse:
    keep = parse_id(request.GET.get("pending"))
    # Leaving the page without saving discards a generated token; coming
    # back through "Generate new Token" (no JS) keeps the one just made.
    pending = api_tokens.pending_token(request.user.company, request.user, keep) if keep else None
    if pending is None:
        api_tokens.discard_pending(request.user.company, request.user)
    return render_settings_page(request, pending_id=keep)


@require_POST
@company_admin_required
def company_rename(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        if rename_company(request.user.company, name, Actor.from_request(request)):
            messages.success(
                request, _("Saved. Your company is now called %(name)s.") % {"name": name}
            )
        return redirect("companies:settings")
    return render_settings_page(request, company_form=form, status=400)


@require_POST
@company_admin_required
def security_save(request: HttpRequest) -> HttpResponse:
    """The Security Settings section's Save: all three settings, or nothing."""
    company = request.user.company
    if request.POST.get("add_current_address"):
        return _with_current_address(request)
    form = SecuritySettingsForm(request.POST)
    if form.is_valid():
        try:
            result = services.save_section(
                company,
                form.change(),
                Actor.from_request(request),
                client_address=getattr(request, "client_ip", None),
                recently_confirmed=in_sudo(request),
            )
        except services.StaleRevision as refused:
            # Show what is saved now, with the other admin's changes.
            messages.error(request, refused.message)
            return render_settings_page(
                request, security_form=SecuritySettingsForm.for_company(company), status=409
            )
        except services.SaveRefused as refused:
            form.add_error(refused.field, refused.message)
            if isinstance(refused, services.PasswordRequired):
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
    return render_settings_page(
        request,
        security_form=form,
        pending_id=parse_id(str(form.data.get("pending_token") or "")),
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
    return render_settings_page(
        request, security_form=form, pending_id=parse_id(data.get("pending_token"))
    )
