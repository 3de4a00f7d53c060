"""Authenticator-app secrets under the first token key (for `atom reencrypt-tokens`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from atom.security.core.vault import TokenVault, UndecryptableToken
from atom.twofactor.models import AuthenticatorApp


@dataclass
class Counts:
    reencrypted: int = 0
    unchanged: int = 0
    # The emails of users whose secret no configured key decrypts.
    stranded: list[str] = field(default_factory=list)


def reencrypt_authenticator_secrets(
    first_key_only: TokenVault, every_key: TokenVault, batch_size: int
) -> Counts:
    """Move every stored secret to the first key, in batches of one transaction each."""
    counts = Counts()
    last_id = 0
    while True:
        with transaction.atomic():
            rows = list(
                AuthenticatorApp.objects.filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", "secret_ciphertext", "user__email")[:batch_size]
            )
            for app_id, ciphertext, email in rows:
                try:
                    first_key_only.decrypt(ciphertext)
                except UndecryptableToken:
                    pass
                else:
                    counts.unchanged += 1
                    continue
                try:
                    rotated = every_key.rotate(ciphertext)
                except UndecryptableToken:
                    counts.stranded.append(email)
                    continue
                # Only the ciphertext: a last step saved meanwhile stays.
                AuthenticatorApp.objects.filter(id=app_id).update(secret_ciphertext=rotated)
                counts.reencrypted += 1
        if not rows:
            return counts
        last_id = rows[-1][0]
