"""The Activity filters: by person, action group and date range, combinable, from the URL.

The page, its CSV and JSON Lines exports read the same query string, so
what a reader sees is what an export holds.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atom.accounts.models import User
from atom.audit.actions import GROUPS, group_actions, group_choices
from atom.audit.models import ActorType, AuditEvent

FIELDS = ("person", "group", "since", "until")

# Only the form a date input sends (and a person types in a URL): a day
# written 08/12/2026 means two different days on two sides of the Atlantic.
_DATE_ERROR = _("Write the date as year-month-day, for example 2026-12-08.")


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _DATE_ERROR},
    )


class ActivityFilter(forms.Form):
    person = forms.ChoiceField(label=_("Person"), required=False)
    group = forms.ChoiceField(label=_("Actions"), required=False)
    since = _date_field(_("From"))
    until = _date_field(_("To"))

    def __init__(self, data: QueryDict, *, company) -> None:
        super().__init__(data)
        self.company = company
        people = User.objects.filter(company=company).order_by("email").values_list("id", "email")
        # Events without a user: `atom` commands, Atom's own sweeps, visitors not logged in.
        kinds = [(kind.value, kind.label) for kind in ActorType if kind != ActorType.USER]
        self.fields["person"].choices = [
            ("", _("Everyone")),
            *((str(user_id), email) for user_id, email in people),
            *kinds,
        ]
        self.fields["group"].choices = [("", _("All actions")), *group_choices()]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("This day is before the From day; swap them or change one."))
        return cleaned

    def events(self) -> QuerySet[AuditEvent]:
        """The company's events that pass the filters, newest first. Call after is_valid()."""
        events = AuditEvent.objects.filter(company=self.company)
        person = self.cleaned_data["person"]
        if person.isdigit():
            events = events.filter(actor_user_id=int(person))
        elif person:
            events = events.filter(actor_type=person)
        group = self.cleaned_data["group"]
        if group:
            events = events.filter(action__in=group_actions(group))
        since, until = self.cleaned_data["since"], self.cleaned_data["until"]
        if since:
            events = events.filter(created_at__gte=_start_of(since))
        if until and until < date.max:
            events = events.filter(created_at__lt=_start_of(until + timedelta(days=1)))
        return events

    def query(self) -> QueryDict:
        """The filters in force, for links (pages, exports) that keep them."""
        query = QueryDict(mutable=True)
        for name in FIELDS:
            value = self.data.get(name, "")
            if value:
                query[name] = value
        return query

    def summary(self) -> dict[str, str]:
        """The filters in force as an audit detail: an email or kind of actor, not an id."""
        summary = {}
        person = self.cleaned_data["person"]
        if person.isdigit():
            summary["person"] = dict(self.fields["person"].choices)[person]
        elif person:
            summary["person"] = person
        if self.cleaned_data["group"] in GROUPS:
            summary["group"] = self.cleaned_data["group"]
        for name in ("since", "until"):
            if self.cleaned_data[name]:
                summary[name] = self.cleaned_data[name].isoformat()
        return summary


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the time zone the dates are shown in."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())
