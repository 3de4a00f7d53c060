from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from atom.accounts.roles import company_admin_required
from atom.audit import export
from atom.audit.filters import ActivityFilter
from atom.audit.log import record
from atom.audit.models import AuditEvent

PAGE_SIZE = 50


@never_cache
@company_admin_required
def activity(request: HttpRequest) -> HttpResponse:
    """Settings > My Company > Activity: newest first, each event as a sentence.

    Never cached: it names people, addresses and browsers.
    """
    form = ActivityFilter(request.GET, company=request.user.company)
    valid = form.is_valid()
    events = form.events() if valid else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/activity.html",
        {"form": form, "valid": valid, "page": page, "filters": form.query() if valid else None},
        status=200 if valid else 400,
    )


@company_admin_required
def export_events(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered events as a download, never cached: they name people and addresses."""
    company = request.user.company
    form = ActivityFilter(request.GET, company=company)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        response = HttpResponse(
            _("These filters cannot be used: %(problems)s") % {"problems": problems},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
        response["Cache-Control"] = "no-store"
        return response
    # Who took a copy of the log, and of which part, is itself worth knowing.
    exported = record(
        "audit.exported", request=request, details={"format": fmt, "filters": form.summary()}
    )
    # The copy ends where it was asked for: not its own record, nor what
    # happens while it downloads.
    events = form.events().filter(pk__lt=exported.pk)
    filename = f"atom-activity-{company.slug}-{timezone.now():%Y-%m-%d}.{fmt}"
    response = StreamingHttpResponse(
        export.stream(events, fmt, language=translation.get_language()),
        content_type=export.CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
