from django.contrib.auth.backends import ModelBackend

from atom.accounts.models import User, normalize_email


class EmailBackend(ModelBackend):
    """Email and password, compared case-insensitively on the email.

    An unknown email still runs one password hash, so a failed log-in takes
    about the same time whether or not the account exists (no enumeration
    by timing).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = kwargs.get("email", username)
        if email is None or password is None:
            return None
        try:
            user = User.objects.select_related("company").get(email=normalize_email(email))
        except User.DoesNotExist:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """django-axes counts failures per (email, address): fold the email like the log-in does."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    return normalize_email(value)
