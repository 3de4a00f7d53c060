"""Settings > My Company > Settings: the company's name and its Security Settings.

This module is the one owner of the page: it assembles the context, and
its views answer both of the page's forms. The Security Settings section
contributes its form (atom.security.forms) and its token context
(``security_context``); the writes go through the services.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atom.accounts.roles import company_admin_required
from atom.accounts.sudo import in_sudo
from atom.audit.actors import Actor
from atom.audit.dates import format_when
from atom.companies.forms import CompanyForm
from atom.companies.services import rename_company
from atom.security import api_tokens, services
from atom.security.core import allowlist
from atom.security.core.matcher import Matcher
from atom.security.forms import SecuritySettingsForm, translate

# Messages shown beside what they answer rather than at the top of the page:
# the section's Save result next to its Save button, a stopped token in the
# token field. The redirect's #fragment scrolls there.
SECTION_TAG = "security-section"
TOKEN_TAG = "security-token"  # noqa: S105 - a message tag, not a secret
SECTION_RESULT = "#security-result"

# The section as the admin typed it, kept while they confirm their
# password without JavaScript, so the prompt leads back to their changes.
DRAFT_KEY = "security_section_draft"
DRAFT_FIELDS = (
    "revision",
    "pending_token",
    "old_token_grace",
    "allowed_addresses",
    "password_size",
    "confirm_clear",
)

# Where the error summary sends each field's error.
SUMMARY_TARGETS = (
    ("pending_token", "api-token"),
    ("old_token_grace", "api-token"),
    ("allowed_addresses", "id_allowed_addresses"),
    ("password_size", "id_password_size"),
    ("require_two_factor", "id_require_two_factor"),
    ("idle_timeout", "id_idle_timeout"),
    ("session_length", "id_session_length"),
)
TOKEN_FIELDS = ("pending_token", "old_token_grace")


def address_problem(address) -> str | None:
    """Why the admin's current address cannot go on the list here, and what to do; else None."""
    if address is None:
        return _(
            "Atom cannot tell your current address, so it cannot be added to the list. If Atom "
            "runs behind a proxy, the operator sets ATOM_TRUSTED_PROXIES so that Atom sees your "
            "real address."
        )
    try:
        allowlist.parse_entry(str(address), allow_private=settings.ATOM_ALLOW_PRIVATE_ADDRESSES)
    except allowlist.EntryError as error:
        return _(
            "Your current address cannot be added: %(why)s If Atom runs behind a proxy, the "
            "operator sets ATOM_TRUSTED_PROXIES so that Atom sees your real, public address; on "
            "an intranet, the operator sets ATOM_ALLOW_PRIVATE_ADDRESSES=1."
        ) % {"why": translate(error)}
    return None


def address_listed(form: SecuritySettingsForm, address) -> bool:
    """Whether the list on the page already lets ``address`` in (an entry or a range)."""
    if address is None:
        return False
    parsed = allowlist.parse_lines(str(form["allowed_addresses"].value() or ""), allow_private=True)
    return bool(parsed.entries) and Matcher([e.network for e in parsed.entries]).allows(address)


def error_summary(form: SecuritySettingsForm) -> list[dict[str, str]]:
    """Every error of the section, each linking to its field (GOV.UK's error summary)."""
    items = [
        {"target": "security-save", "message": str(error)} for error in form.non_field_errors()
    ]
    for name, target in SUMMARY_TARGETS:
        for error in form.errors.get(name, []):
            label = _("API Token") if name in TOKEN_FIELDS else form[name].label
            items.append({"target": target, "message": f"{label}: {error}"})
    return items


def security_context(request: HttpRequest, form: SecuritySettingsForm) -> dict:
    company = request.user.company
    address = getattr(request, "client_ip", None)
    sudo = in_sudo(request)
    pending = api_tokens.pending_token(company, request.user)
    listed = address_listed(form, address)
    return {
        "pending_token": pending,
        # The new token in full, on the page that follows Generate, with or
        # without JavaScript; only in sudo mode, like every reveal.
        "pending_clear": api_tokens.reveal(pending) if pending is not None and sudo else None,
        "pending_minutes": int(api_tokens.pending_lifetime().total_seconds() // 60),
        "active_token": api_tokens.active_token(company),
        "grace_tokens": api_tokens.grace_tokens(company),
        "client_address": address,
        # Nothing to explain once the list lets the admin in already.
        "address_problem": None if listed else address_problem(address),
        "address_listed": listed,
        "in_sudo": sudo,
        "error_summary": error_summary(form) if form.is_bound else [],
    }


def render_settings_page(
    request: HttpRequest,
    *,
    company_form: CompanyForm | None = None,
    security_form: SecuritySettingsForm | None = None,
    draft_restored: bool = False,
    clear_needs_confirmation: bool = False,
    status: int = 200,
) -> HttpResponse:
    company = request.user.company
    security_form = security_form or SecuritySettingsForm.for_company(company)
    stored = list(messages.get_messages(request))
    context = {
        "company": company,
        "company_form": company_form or CompanyForm(initial={"name": company.name}),
        "security_form": security_form,
        "draft_restored": draft_restored,
        "clear_needs_confirmation": clear_needs_confirmation,
        # Asked once: a Save sent back for the password keeps the answer.
        "clear_confirmed": "1" in request.POST.getlist("confirm_clear")
        or (security_form.is_bound and security_form.data.get("confirm_clear") == "1"),
        # The page's script asks before a Save that empties a saved list.
        "saved_entry_count": len(services.allowlist_entries(company)),
        # The banner at the top keeps the page's other messages.
        "messages": [m for m in stored if not {SECTION_TAG, TOKEN_TAG} & set(m.tags.split())],
        "section_messages": [m for m in stored if SECTION_TAG in m.tags.split()],
        "token_messages": [m for m in stored if TOKEN_TAG in m.tags.split()],
        **security_context(request, security_form),
    }
    return render(request, "companies/settings.html", context, status=status)


@never_cache
@company_admin_required
def company_settings(request: HttpRequest) -> HttpResponse:
    # A generated token waits for its Save whatever page is opened meanwhile
    # (the page shows it again); only a discard, a newer Generate or its
    # lapse ends it.
    draft = request.session.pop(DRAFT_KEY, None) if request.GET.get("draft") else None
    if draft:
        form = SecuritySettingsForm(draft)
        form.is_valid()
        return render_settings_page(request, security_form=form, draft_restored=True)
    return render_settings_page(request)


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
    address = getattr(request, "client_ip", None)
    # Every error of the Save at once: the field errors, the lock-out and
    # the unconfirmed clear are all judged before anything is refused.
    entries = (
        None if "allowed_addresses" in form.errors else form.cleaned_data.get("allowed_addresses")
    )
    clearing = entries == [] and _clears_without_confirmation(request)
    if clearing:
        form.add_error(
            "allowed_addresses",
            _(
                "An empty list removes every address restriction: every address could reach your "
                "company account. Tick “Yes, remove every address restriction” and save "
                "again, or add the addresses to keep."
            ),
        )
    elif entries:
        _add_lockout_error(form, entries, address)
    if form.errors:
        return render_settings_page(
            request, security_form=form, clear_needs_confirmation=clearing, status=400
        )
    change = form.change()
    try:
        result = services.save_section(
            company,
            change,
            Actor.from_request(request),
            client_address=address,
            recently_confirmed=in_sudo(request),
        )
    except services.StaleRevision as refused:
        # Show what is saved now, with the other admin's changes.
        fresh = SecuritySettingsForm.for_company(company)
        messages.error(request, refused.message, extra_tags=SECTION_TAG)
        return render_settings_page(request, security_form=fresh, status=409)
    except services.PasswordRequired as refused:
        form.add_error(None, refused.message)
        form.sudo_needed = True
        request.session[DRAFT_KEY] = {name: form.data.get(name, "") for name in DRAFT_FIELDS}
        return render_settings_page(request, security_form=form, status=400)
    except services.SaveRefused as refused:
        form.add_error(refused.field, refused.message)
        return render_settings_page(request, security_form=form, status=400)
    messages.success(request, _saved_message(result, change.grace), extra_tags=SECTION_TAG)
    for notice in getattr(form, "notices", []):
        messages.info(request, notice, extra_tags=SECTION_TAG)
    return redirect(reverse("companies:settings") + SECTION_RESULT)


def _clears_without_confirmation(request: HttpRequest) -> bool:
    """Emptying a saved list lifts every restriction: the admin confirms it first."""
    if "1" in request.POST.getlist("confirm_clear"):
        return False
    return bool(services.allowlist_entries(request.user.company))


def _add_lockout_error(form: SecuritySettingsForm, entries, address) -> None:
    """Report the lock-out with the other errors of the same Save, not after they are fixed."""
    try:
        services.check_lockout(entries, address)
    except services.WouldLockOut as refused:
        form.add_error("allowed_addresses", refused.message)


def _saved_message(result: services.SaveResult, grace: timedelta) -> str:
    """What the Save did, in the admin's terms: Atom accepts a token; it changes no integration."""
    if "api_token" not in result.changed:
        return _("Saved.")
    if grace:
        return _(
            "Saved. Atom accepts the new API token now. The old token keeps working until "
            "%(when)s: update your integrations with the new token before then."
        ) % {"when": format_when(timezone.now() + grace)}
    return _(
        "Saved. Atom accepts the new API token now and the old token stopped working: update "
        "your integrations with the new token."
    )


def _with_current_address(request: HttpRequest) -> HttpResponse:
    """No-JS "Add my current address": put it on the list, save nothing yet."""
    data = request.POST.copy()
    address = getattr(request, "client_ip", None)
    if address is not None and address_problem(address) is None:
        lines = data.get("allowed_addresses", "").rstrip("\n")
        data["allowed_addresses"] = f"{lines}\n{address}".lstrip("\n")
    form = SecuritySettingsForm(data)
    form.is_valid()
    return render_settings_page(request, security_form=form)
