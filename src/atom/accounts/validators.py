"""Password rules, each with its own message (NIST SP 800-63B rev 4).

No composition rules (digits, symbols, cases): they make passwords harder to
remember without making them harder to guess. Instead: length (the
company's Password Size), an upper bound that is never truncated, a list of
common passwords, and no password that is just the user's email.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from atom.security.core import password_size


def company_minimum(user) -> int:
    company = getattr(user, "company", None) if user is not None else None
    policy = getattr(company, "security", None) if company is not None else None
    return policy.password_size if policy is not None else password_size.DEFAULT_MINIMUM


class CompanyMinimumLengthValidator:
    def validate(self, password, user=None):
        minimum = company_minimum(user)
        length = password_size.length(password)
        if length < minimum:
            raise ValidationError(
                _(password_size.PasswordTooShort.template),
                code=password_size.PasswordTooShort.code,
                params={"length": length, "minimum": minimum},
            )

    def get_help_text(self):
        return _("At least your company's Password Size in characters.")


class MaximumLengthValidator:
    def validate(self, password, user=None):
        length = password_size.length(password)
        if length > password_size.MAXIMUM_LENGTH:
            raise ValidationError(
                _(password_size.PasswordTooLong.template),
                code=password_size.PasswordTooLong.code,
                params={"length": length, "maximum": password_size.MAXIMUM_LENGTH},
            )

    def get_help_text(self):
        return _("At most %(maximum)d characters.") % {"maximum": password_size.MAXIMUM_LENGTH}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        if password_size.normalize(password).lower().strip() in self.passwords:
            raise ValidationError(
                _("This password is on a list of commonly used passwords; choose another one."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Not a commonly used password.")


class EmailSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def __init__(self):
        super().__init__(user_attributes=("email",), max_similarity=0.7)

    def validate(self, password, user=None):
        try:
            super().validate(password_size.normalize(password), user)
        except ValidationError:
            raise ValidationError(
                _("This password is too similar to your email address; choose another one."),
                code="password_too_similar",
            ) from None

    def get_help_text(self):
        return _("Not similar to your email address.")
