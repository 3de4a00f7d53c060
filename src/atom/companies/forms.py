from django import forms
from django.utils.translation import gettext_lazy as _


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=100)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the company's name."))
        return name
