import re

from django import forms
from django.utils.translation import gettext_lazy as _

from atom.flows.models import Flow

# Variable names as a flow engine and a JSON body both handle them without
# quoting: a letter, then letters, digits or underscores.
VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
MAX_VARIABLES = 50


class FlowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    variables = forms.CharField(
        label=_("Variables it expects"),
        required=False,
        help_text=_(
            "Names separated by commas or spaces, e.g. orderId, amount. Each starts with a letter "
            "and has only letters, digits and _. Every webhook call must send exactly these."
        ),
    )

    def __init__(self, company, *args, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the flow's name."))
        if Flow.objects.filter(company=self.company, name__iexact=name).exists():
            raise forms.ValidationError(_("Your company already has a flow with this name."))
        return name

    def clean_variables(self) -> list[str]:
        names = [part for part in re.split(r"[\s,]+", self.cleaned_data["variables"]) if part]
        wrong = [name for name in names if not VARIABLE_NAME.fullmatch(name)]
        if wrong:
            raise forms.ValidationError(
                _(
                    "%(names)s: a variable name starts with a letter and has only letters, "
                    "digits and _ (at most 64)."
                )
                % {"names": ", ".join(wrong)}
            )
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise forms.ValidationError(
                _("%(names)s: each variable once.") % {"names": ", ".join(repeated)}
            )
        if len(names) > MAX_VARIABLES:
            raise forms.ValidationError(
                _("A flow expects at most %(count)d variables.") % {"count": MAX_VARIABLES}
            )
        return names
