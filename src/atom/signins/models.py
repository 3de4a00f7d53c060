from django.conf import settings
from django.db import models


class SignIn(models.Model):
    """One console session of one user: what "Where you're signed in" lists.

    The session key is a bearer credential, so it is never stored here in
    clear: ``key_digest`` (SHA-256) finds the row from a request, and
    ``key_ciphertext`` (Fernet, the API tokens' keys) lets "Sign out" delete
    the session from Django's store, which is what ends it on every process
    at its next request.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    key_digest = models.CharField(max_length=64, unique=True)
    key_ciphertext = models.TextField()
    user_agent = models.CharField(max_length=300, blank=True)
    browser = models.CharField(max_length=100, blank=True)
    system = models.CharField(max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.browser} on {self.system}"
