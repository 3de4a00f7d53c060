from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atom.security.core import password_size


class SecurityPolicy(models.Model):
    """The Security Settings section of one company, saved as a whole.

    ``revision`` rises on every save; a form carries the revision it was
    loaded with, so a second admin's stale page cannot silently overwrite
    what the first one saved.
    """

    company = models.OneToOneField(
        "companies.Company", on_delete=models.CASCADE, primary_key=True, related_name="security"
    )
    password_size = models.PositiveSmallIntegerField(
        _("Password Size"), default=password_size.DEFAULT_MINIMUM
    )
    # Console sessions end after this long without a request (0: never) and
    # this long after log-in whatever happens (atom.signins.middleware).
    idle_timeout_minutes = models.PositiveIntegerField(_("Idle timeout"), default=0)
    session_length_minutes = models.PositiveIntegerField(
        _("Maximum session length"), default=12 * 60
    )
    # Two-step verification for every user: users without it may still log
    # in (and are sent to set it up) until the deadline, then reach nothing
    # else until they have it.
    require_two_factor = models.BooleanField(_("Require two-step verification"), default=False)
    two_factor_deadline = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class AllowedAddress(models.Model):
    """One entry of a company's Allowed IP Addresses: an address or a range."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="allowed_addresses"
    )
    network = models.CharField(max_length=64)
    label = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["company", "position"]
        constraints = [
            models.UniqueConstraint(fields=["company", "network"], name="security_allowed_unique"),
        ]


class TokenStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    GRACE = "grace", _("In grace period")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    DISCARDED = "discarded", _("Discarded")


class ApiToken(models.Model):
    """A company API token. The clear token is never stored.

    ``digest`` (SHA-256) finds it on every request; ``ciphertext`` (Fernet,
    keys from ATOM_TOKEN_KEYS) lets an admin see it again; ``last4`` draws the
    masked view without decrypting anything.
    """

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="tokens"
    )
    status = models.CharField(max_length=10, choices=TokenStatus.choices)
    digest = models.CharField(max_length=64, unique=True)
    ciphertext = models.TextField()
    last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    # Pending: when the unsaved token lapses. Grace: when the old token stops.
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    last_used_user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # Two admins saving at once must leave exactly one active token.
            models.UniqueConstraint(
                fields=["company"], condition=Q(status="active"), name="security_one_active_token"
            ),
        ]
        indexes = [models.Index(fields=["company", "status"])]


class SecurityGeneration(models.Model):
    """One row whose value rises with every saved token or allowlist change.

    Each serving process compares it with the value it last saw, at most
    every ATOM_PROPAGATION_INTERVAL seconds, and drops its cached view of
    tokens and allowlists when it moved. It is bumped inside the transaction
    that saves the change, so a process that sees the new value also sees
    the change.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)


class IntegrationToken(models.Model):
    """A named token for one integration: its scopes, expiry and own addresses.

    Beside the company API Token, never instead of it. Only the digest is
    stored (unlike the company token, nobody can reveal it again): the clear
    token is shown once, at creation or rotation. A rotation keeps the row
    (name, scopes, addresses, history) and moves the old digest to
    ``previous_digest`` until ``previous_ends_at``, the grace period.
    """

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="integration_tokens"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    # Names from atom.security.core.scopes.SCOPES, in its order.
    scopes = models.JSONField(default=list)
    # Canonical networks (atom.security.core.allowlist), each inside the
    # company's list when it has one; empty: only the company's list applies.
    allowed_networks = models.JSONField(default=list, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    last4 = models.CharField(max_length=4)
    previous_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    previous_last4 = models.CharField(max_length=4, blank=True)
    previous_ends_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A snapshot that survives the user: their email, or "operator".
    created_by_label = models.CharField(max_length=254, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    last_used_user_agent = models.CharField(max_length=300, blank=True)
    # The reminders already queued (days before expiry: 7, then 1), so
    # `atom prune` sends each once.
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True)
    expiry_recorded = models.BooleanField(default=False)

    class Meta:
        ordering = ["company", "name"]
        constraints = [
            # A revoked token gives its name back.
            models.UniqueConstraint(
                fields=["company", "name"],
                condition=Q(revoked_at__isnull=True),
                name="security_integration_name_unique",
            ),
        ]


class ApiTokenAddress(models.Model):
    """An address the company's API token was used from, so a new one is noticed once."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="addresses")
    address = models.GenericIPAddressField()
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "address"], name="security_token_address_unique"),
        ]


class IntegrationTokenAddress(models.Model):
    """An address an integration token was used from, so a new one is noticed once."""

    token = models.ForeignKey(IntegrationToken, on_delete=models.CASCADE, related_name="addresses")
    address = models.GenericIPAddressField()
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token", "address"], name="security_integration_address_unique"
            ),
        ]


class IntegrationTokenPolicy(models.Model):
    """A company's rule for new integration tokens: their maximum lifetime."""

    company = models.OneToOneField(
        "companies.Company", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Days; None: tokens may live as long as their creator chooses, or never expire.
    max_lifetime_days = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
