"""Settings > My Company > Settings: the company's name and its Security Settings."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo
from atom.companies.forms import CompanyForm
from atom.companies.services import rename_company


def render_settings_page(
    request: HttpRequest,
    *,
    company_form: CompanyForm | None = None,
    security_form=None,
    pending_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    from atom.security import api_tokens, section

    company = request.user.company
    pending = api_tokens.pending_token(company, request.user, pending_id) if pending_id else None
    context = {
        "company": company,
        "company_form": company_form or CompanyForm(initial={"name": company.name}),
        "security_form": security_form or section.unbound_form(company),
        "pending_token": pending,
        "client_address": getattr(request, "client_ip", None),
        "in_sudo": in_sudo(request),
        **section.token_context(company, request.user),
    }
    return render(request, "companies/settings.html", context, status=status)


@never_cache
@company_admin_required
def company_settings(request: HttpRequest) -> HttpResponse:
    from atom.security import api_tokens

    raw = request.GET.get("pending", "")
    keep = int(raw) if raw.isdigit() else None
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
        if rename_company(request.user.company, form.cleaned_data["name"], request=request):
            messages.success(
                request,
                _("Saved. Your company is now called %(name)s.")
                % {"name": form.cleaned_data["name"]},
            )
        return redirect("companies:settings")
    return render_settings_page(request, company_form=form, status=400)
