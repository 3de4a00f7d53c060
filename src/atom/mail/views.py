"""Settings > My Account > Security emails: which informational emails a user receives."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from atom.audit.log import record
from atom.mail.models import EmailPreferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = ["company_security", "company_users"]
        labels = {
            "company_security": gettext_lazy(
                "Changes to the company's security settings (API token, Allowed IP Addresses, "
                "Password Size, two-step verification) and its token used from a new address"
            ),
            "company_users": gettext_lazy(
                "Users added or made owner or admin, and second factors reset"
            ),
        }


@never_cache
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current, _created = EmailPreferences.objects.get_or_create(user=request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            "email.preferences_changed",
            request=request,
            details={name: form.cleaned_data[name] for name in PreferencesForm.Meta.fields},
        )
        messages.success(request, _("Saved."))
        return redirect("mail:preferences")
    return render(
        request,
        "mail/preferences.html",
        {"form": form, "is_admin": request.user.is_company_admin},
    )
