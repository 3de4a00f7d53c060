from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from atom.accounts.roles import company_admin_required
from atom.audit.actions import LABELS
from atom.audit.models import AuditEvent

PAGE_SIZE = 50


@company_admin_required
def activity(request: HttpRequest) -> HttpResponse:
    """Settings > My Company > Activity: newest first, filterable by action."""
    events = AuditEvent.objects.filter(company=request.user.company)
    action = request.GET.get("action", "")
    if action in LABELS:
        events = events.filter(action=action)
    else:
        action = ""
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/activity.html",
        {
            "page": page,
            "action": action,
            "actions": sorted(LABELS.items(), key=lambda item: str(item[1])),
        },
    )
