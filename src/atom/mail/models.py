from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class SecurityEmail(models.Model):
    """One security email, written in the transaction of the change it reports.

    `atom send-emails` claims pending rows (status "sending" and a lease),
    hands each to the SMTP server and marks it sent once the server has
    accepted it. A worker that dies mid-send leaves its lease to lapse and
    the row is sent by the next worker; a refused or failed send is retried
    with a growing delay and its error kept in ``last_error``.
    """

    company = models.ForeignKey(
        "companies.Company", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_address = models.EmailField(max_length=254)
    language = models.CharField(max_length=10)
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class EmailPreferences(models.Model):
    """Which informational security emails a user receives (all, unless turned off).

    Emails about the user's own account (a sign-in from a new browser or
    address, their password, their second factor) have no switch: they are
    how someone learns that their account was taken over.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    company_security = models.BooleanField(default=True)
    company_users = models.BooleanField(default=True)
