"""Settings > Templates: every user sees the company's message templates;
owners and admins write and edit them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from atom.accounts.roles import company_admin_required
from atom.audit.actors import Actor
from atom.outbox.forms import TemplateForm
from atom.outbox.models import MessageTemplate
from atom.outbox.services import create_template, update_template

TAKEN = gettext_noop("Your company already has a template with this name and language.")


@require_GET
@never_cache
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = MessageTemplate.objects.filter(company=request.user.company).order_by(
        "name", "language", "id"
    )
    return render(request, "outbox/templates.html", {"templates": templates})


@never_cache
@company_admin_required
def template_add(request: HttpRequest) -> HttpResponse:
    company = request.user.company
    form = TemplateForm(company, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = create_template(
                company, actor=Actor.from_request(request), **form.cleaned_data
            )
        except IntegrityError:
            # Saved by another admin between the form's check and now.
            form.add_error("name", _(TAKEN))
        else:
            messages.success(request, _("Template %(name)s created.") % {"name": template.name})
            return redirect("outbox:templates")
    return render(
        request,
        "outbox/template_form.html",
        {"form": form, "template": None},
        status=400 if form.errors else 200,
    )


@never_cache
@company_admin_required
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    company = request.user.company
    template = get_object_or_404(MessageTemplate, id=template_id, company=company)
    form = TemplateForm(company, request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_template(
                template, actor=Actor.from_request(request), **form.cleaned_data
            )
        except IntegrityError:
            form.add_error("name", _(TAKEN))
        else:
            if changed:
                messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
            return redirect("outbox:templates")
    return render(
        request,
        "outbox/template_form.html",
        {"form": form, "template": template},
        status=400 if form.errors else 200,
    )
