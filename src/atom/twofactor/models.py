"""A user's second factors: one authenticator app, passkeys, recovery codes.

Nothing here is stored in clear that would let someone log in: the TOTP
secret is encrypted with the API tokens' key ring (ATOM_TOKEN_KEYS), a
recovery code is kept as its SHA-256 digest, and a passkey is a public key.
"""

from django.conf import settings
from django.db import models


class AuthenticatorApp(models.Model):
    """A confirmed authenticator app (TOTP, RFC 6238). Saved only once a first code matched."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authenticator_app"
    )
    secret_ciphertext = models.TextField()
    # The last 30-second time step whose code was accepted: a code of that
    # step or an earlier one is refused, so an observed code works once.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)


class Passkey(models.Model):
    """A WebAuthn credential (passkey or security key) registered by a user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=60)
    credential_id = models.BinaryField(unique=True)
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class RecoveryCode(models.Model):
    """One single-use recovery code, kept as the SHA-256 digest of its canonical form."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "digest"])]
