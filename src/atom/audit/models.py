from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorType(models.TextChoices):
    USER = "user", _("User")
    OPERATOR = "operator", _("Operator")
    TOKEN = "token", _("API token")
    ANONYMOUS = "anonymous", _("Anonymous")
    SYSTEM = "system", _("Atom")


class AuditEvent(models.Model):
    """Who did what, when, from which address. Never the secret itself."""

    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A snapshot (the user's email, "operator", or a masked token) that
    # survives the user or token being removed.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"]),
            models.Index(fields=["company", "action", "-created_at"]),
            # The Activity page's person filter.
            models.Index(fields=["company", "actor_user", "-created_at"]),
        ]
