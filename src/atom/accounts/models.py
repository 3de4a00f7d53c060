import unicodedata

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atom.security.core import password_size


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    AGENT = "agent", _("Agent")


def normalize_email(email: str) -> str:
    """Emails are the log-in, compared case-insensitively: store them folded."""
    return unicodedata.normalize("NFKC", email.strip()).lower()


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=normalize_email(username or ""))

    def create_user(self, email: str, company, role: str, password: str | None, **extra) -> "User":
        user = self.model(email=normalize_email(email), company=company, role=role, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    email = models.EmailField(_("email"), max_length=254, unique=True)
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="users")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when an admin chose the password, or when the company's minimum
    # rose above this user's password length: the user must pick a new one
    # before reaching any other page.
    must_change_password = models.BooleanField(default=False)
    password_change_reason = models.CharField(max_length=20, blank=True)
    # The language the user last used the console in: security emails are
    # written in it, since they are read away from the console.
    language = models.CharField(_("language"), max_length=10, default="en")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["company", "role"])]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    # Passwords are NFKC-normalized before hashing and before checking, so
    # the same password typed composed (é) or decomposed (e + ´) on another
    # keyboard or OS still matches (NIST SP 800-63B rev 4, 3.1.1.2).
    def set_password(self, raw_password: str | None) -> None:
        if raw_password is not None:
            raw_password = password_size.normalize(raw_password)
        super().set_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        return super().check_password(password_size.normalize(raw_password))

    @property
    def is_company_admin(self) -> bool:
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def is_staff(self) -> bool:
        # No Django admin site: operators use the `atom` command.
        return False
