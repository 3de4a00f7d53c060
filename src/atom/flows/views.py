"""Settings > Flows: every user sees the company's flows and their runs;
owners and admins create them."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from atom.accounts.roles import company_admin_required
from atom.audit.actors import Actor
from atom.flows.forms import FlowForm
from atom.flows.models import Flow
from atom.flows.services import create_flow

RECENT_RUNS = 20


def webhook_url(request: HttpRequest, flow: Flow) -> str:
    return request.build_absolute_uri(flow.webhook_path())


def curl_example(url: str, flow: Flow) -> str:
    """A command that works once ATOM_API_TOKEN holds the company's token.

    The token itself is never put in the page: revealing it is a separate,
    audited action in Security Settings. The Idempotency-Key is new on each
    run (openssl rand); a script that retries a run sends that run's key again.
    """
    variables = ", ".join(f'"{name}": "value"' for name in flow.variables)
    body = f'{{"phoneNumber": "50755667788", "variables": {{{variables}}}}}'
    return (
        f"curl -X POST '{url}' \\\n"
        '  -H "Authorization: Bearer $ATOM_API_TOKEN" \\\n'
        '  -H "Idempotency-Key: $(openssl rand -hex 16)" \\\n'
        "  -H 'Content-Type: application/json' \\\n"
        f"  -d '{body}'"
    )


def render_list(request: HttpRequest, form: FlowForm | None = None, status: int = 200):
    company = request.user.company
    if form is None and request.user.is_company_admin:
        form = FlowForm(company)
    flows = [
        {"flow": flow, "url": webhook_url(request, flow)}
        for flow in Flow.objects.filter(company=company).order_by("name", "id")
    ]
    return render(request, "flows/flows.html", {"flows": flows, "form": form}, status=status)


@require_GET
@never_cache
@login_required
def flow_list(request: HttpRequest) -> HttpResponse:
    return render_list(request)


@require_POST
@company_admin_required
def flow_add(request: HttpRequest) -> HttpResponse:
    form = FlowForm(request.user.company, request.POST)
    if form.is_valid():
        try:
            flow = create_flow(
                request.user.company, actor=Actor.from_request(request), **form.cleaned_data
            )
        except IntegrityError:
            # Another admin saved the same name between our check and now.
            form.add_error("name", _("Your company already has a flow with this name."))
        else:
            messages.success(
                request,
                _("Flow %(name)s created. Its webhook is ready.") % {"name": flow.name},
            )
            return redirect("flows:detail", flow_id=flow.id)
    return render_list(request, form=form, status=400)


@require_GET
@never_cache
@login_required
def flow_detail(request: HttpRequest, flow_id: int) -> HttpResponse:
    flow = get_object_or_404(Flow, id=flow_id, company=request.user.company)
    url = webhook_url(request, flow)
    runs = [
        {"run": run, "variables": json.dumps(run.variables, ensure_ascii=False)}
        for run in flow.runs.order_by("-id")[:RECENT_RUNS]
    ]
    return render(
        request,
        "flows/flow.html",
        {"flow": flow, "url": url, "curl": curl_example(url, flow), "runs": runs},
    )
