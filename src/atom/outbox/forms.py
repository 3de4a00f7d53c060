import re

from django import forms
from django.utils.translation import gettext_lazy as _

from atom.outbox import placeholders
from atom.outbox.models import BODY_MAX_LENGTH, MessageTemplate

# WhatsApp's language codes: two or three letters, optionally a region.
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    language = forms.CharField(
        label=_("Language"),
        max_length=10,
        help_text=_("WhatsApp's language code, e.g. en, es or pt_BR."),
    )
    body = forms.CharField(
        label=_("Body"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Write numbered placeholders for the values each message fills in: {{1}}, {{2}}..."
        ),
    )

    def __init__(self, company, *args, template: MessageTemplate | None = None, **kwargs):
        self.company = company
        self.template = template
        if template is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": template.name,
                "language": template.language,
                "body": template.body,
            }
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the template's name."))
        return name

    def clean_language(self) -> str:
        language = self.cleaned_data["language"].strip()
        if not LANGUAGE.fullmatch(language):
            raise forms.ValidationError(
                _("%(code)s is not a language code: use one like en, es or pt_BR.")
                % {"code": language}
            )
        return language

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        try:
            placeholders.numbers(body)
        except placeholders.NotNumbered as exc:
            raise forms.ValidationError(
                _("%(text)s is not a placeholder: write them as {{1}}, {{2}}...")
                % {"text": exc.text}
            ) from None
        except placeholders.Gap as exc:
            raise forms.ValidationError(
                _(
                    "{{%(used)d}} is used but {{%(missing)d}} is not: number placeholders "
                    "from {{1}} without gaps."
                )
                % {"used": exc.used, "missing": exc.missing}
            ) from None
        return body

    def clean(self):
        cleaned = super().clean()
        name, language = cleaned.get("name"), cleaned.get("language")
        if name and language:
            same = MessageTemplate.objects.filter(
                company=self.company, name__iexact=name, language=language
            )
            if self.template is not None:
                same = same.exclude(id=self.template.id)
            if same.exists():
                self.add_error(
                    "name", _("Your company already has a template with this name and language.")
                )
        return cleaned
