from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from atom.accounts import verification
from atom.accounts.models import Role, User, normalize_email
from atom.accounts.sudo import in_sudo
from atom.accounts.validators import company_minimum
from atom.security.core import password_size


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=password_size.MAXIMUM_LENGTH * 4,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def password_widget(minimum: int) -> forms.PasswordInput:
    # data-* attributes drive the small counter module ("12 / 15"); the
    # server stays the judge.
    return forms.PasswordInput(
        attrs={
            "autocomplete": "new-password",
            "data-password-minimum": str(minimum),
            "data-password-maximum": str(password_size.MAXIMUM_LENGTH),
        }
    )


class NewPasswordForm(forms.Form):
    """A new password typed twice and checked against the user's company policy.

    Both fields are compared after NFKC normalization, like the hash is, so
    an accent typed differently in the confirmation is not a "mismatch".
    """

    new_password1 = forms.CharField(label=_("New password"), strip=False)
    new_password2 = forms.CharField(label=_("Confirm new password"), strip=False)

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.minimum = company_minimum(user)
        self.fields["new_password1"].widget = password_widget(self.minimum)
        self.fields["new_password1"].help_text = rule_text(self.minimum)
        self.fields["new_password2"].widget = forms.PasswordInput(
            attrs={"autocomplete": "new-password"}
        )

    def clean(self):
        cleaned = super().clean()
        first = cleaned.get("new_password1")
        second = cleaned.get("new_password2")
        if first is None:
            return cleaned
        try:
            password_validation.validate_password(first, self.user)
        except ValidationError as error:
            self.add_error("new_password1", error)
            return cleaned
        if second is not None and password_size.normalize(first) != password_size.normalize(second):
            self.add_error(
                "new_password2", _("The two passwords are not the same; type the new one again.")
            )
        return cleaned

    def save(self) -> User:
        self.user.set_password(self.cleaned_data["new_password1"])
        self.user.must_change_password = False
        self.user.password_change_reason = ""
        self.user.save(update_fields=["password", "must_change_password", "password_change_reason"])
        return self.user


class ChangePasswordForm(NewPasswordForm):
    """The current password, then a new one.

    The current password is checked like a log-in (atom.accounts.verification):
    each wrong one counts toward the lock-out of this account from this
    address and is audited, and while locked out it is not checked at all
    (``locked_out`` is then True and the page answers 429).
    """

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["current_password", "new_password1", "new_password2"]

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.locked_out = False
        super().__init__(request.user, *args, **kwargs)
        if request.user.must_change_password and in_sudo(request):
            # The required change right after log-in: the password was typed
            # seconds ago (log-in grants sudo mode), so asking for it again
            # proves nothing. Outside sudo mode it is asked, as always.
            del self.fields["current_password"]
            self.fields["new_password1"].widget.attrs["autofocus"] = True

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if verification.check_password(self.request, self.user, value, where="password_change"):
            return value
        if verification.is_locked_out(self.request, self.user):
            self.locked_out = True
            raise ValidationError(verification.lockout_message(), code="locked_out")
        raise ValidationError(
            _("Your current password is not correct."), code="password_incorrect"
        )

    def clean(self):
        if self.locked_out:
            # Nothing else is judged while the account is paused here.
            return self.cleaned_data
        return super().clean()


def rule_text(minimum: int) -> str:
    return _(
        "At least %(minimum)d characters, at most %(maximum)d, counted as you see them: "
        "a ligature such as ﬀ is one character, and so is an accented letter. "
        "Any characters; a passphrase of several words works well."
    ) % {
        "minimum": minimum,
        "maximum": password_size.MAXIMUM_LENGTH,
    }


class AddUserForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)
    password = forms.CharField(label=_("Initial password"), strip=False)

    def __init__(self, company, *args, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)
        minimum = company_minimum(User(company=company))
        self.fields["password"].widget = password_widget(minimum)
        self.fields["password"].help_text = _(
            "The user must change it at first log-in. %(rule)s"
        ) % {"rule": rule_text(minimum)}

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise ValidationError(
                _("A user with the email %(email)s already exists."), params={"email": email}
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and "password" in cleaned:
            candidate = User(email=cleaned["email"], company=self.company)
            try:
                password_validation.validate_password(cleaned["password"], candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
