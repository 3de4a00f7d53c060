from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        help_text=_("The 6-digit code your authenticator app shows now."),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 14}),
        help_text=_(
            "One of the 10 recovery codes you saved, such as abcde-23456. Each works once."
        ),
    )


class PasskeyResponseForm(forms.Form):
    # Filled by the page's module with the browser's answer (JSON); the
    # server verifies everything in it.
    passkey_response = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)


class NewPasskeyForm(PasskeyResponseForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        required=False,
        help_text=_("So you can tell your passkeys apart, such as “Work laptop”."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(
                _("Name: give the passkey a name of up to 60 characters, such as “Work laptop”.")
            )
        return name


class ConfirmForm(PasskeyResponseForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
