"""`atom reencrypt-tokens`: move every stored token's ciphertext to the first key.

Run it after putting a new key first (a new ATOM_SECRET_KEY with the old one
in ATOM_SECRET_KEY_FALLBACKS, or a new first key in ATOM_TOKEN_KEYS) and
before removing the old key: afterwards no ciphertext needs the old key.

Safe to run again (a ciphertext the first key already decrypts is left
alone) and while Atom serves: each batch is one transaction that writes only
ciphertexts, and a token issued meanwhile is encrypted under the first key
already. Nothing here prints or records a token, a ciphertext or a key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.security import keyring
from atom.security.core.vault import TokenVault, UndecryptableToken
from atom.security.models import ApiToken
from atom.twofactor.reencrypt import reencrypt_authenticator_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored API token under the first token key, so that an old key "
        "(a previous ATOM_SECRET_KEY or ATOM_TOKEN_KEYS entry) can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="tokens per transaction (default 500)"
        )

    def handle(self, *args, batch_size, **options):
        if not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size must be from 1 to 100000.")
        first_key_only = TokenVault(keyring.token_keys()[:1])
        every_key = keyring.vault()
        reencrypted = already = 0
        stranded: list[tuple[int, str, str]] = []
        last_id = 0
        while True:
            with transaction.atomic():
                rows = list(
                    ApiToken.objects.filter(id__gt=last_id)
                    .order_by("id")
                    .values_list("id", "ciphertext", "status", "company__slug")[:batch_size]
                )
                for token_id, ciphertext, status, slug in rows:
                    try:
                        first_key_only.decrypt(ciphertext)
                    except UndecryptableToken:
                        pass
                    else:
                        already += 1
                        continue
                    try:
                        rotated = every_key.rotate(ciphertext)
                    except UndecryptableToken:
                        stranded.append((token_id, status, slug))
                        continue
                    # Only the ciphertext: a status change saved meanwhile by
                    # another process is neither overwritten nor undone.
                    ApiToken.objects.filter(id=token_id).update(ciphertext=rotated)
                    reencrypted += 1
            if not rows:
                break
            last_id = rows[-1][0]

        # Authenticator-app secrets are encrypted with the same keys.
        app_counts = reencrypt_authenticator_secrets(first_key_only, every_key, batch_size)
        details = {"reencrypted": reencrypted, "unchanged": already, "stranded": len(stranded)}
        if app_counts.reencrypted or app_counts.unchanged or app_counts.stranded:
            details["authenticator_apps"] = {
                "reencrypted": app_counts.reencrypted,
                "unchanged": app_counts.unchanged,
                "stranded": len(app_counts.stranded),
            }
        record("tokens.reencrypted", actor=Actor.operator(), details=details)
        self.stdout.write(
            f"Re-encrypted {reencrypted} API tokens under the first key; {already} already were."
        )
        if app_counts.reencrypted or app_counts.unchanged:
            self.stdout.write(
                f"Re-encrypted {app_counts.reencrypted} authenticator-app secrets under the first "
                f"key; {app_counts.unchanged} already were."
            )
        if app_counts.stranded:
            raise CommandError(
                f"{len(app_counts.stranded)} authenticator-app secrets cannot be decrypted with "
                f"any configured key (users {', '.join(app_counts.stranded)}). Add the key they "
                "were encrypted under and run this again, or reset their two-step verification "
                "with `atom 2fa reset`."
            )
        if stranded:
            listed = ", ".join(
                f"{token_id} ({status}, {slug})" for token_id, status, slug in stranded
            )
            raise CommandError(
                f"{len(stranded)} API tokens cannot be decrypted with any configured key: "
                f"{listed}. Add the key they were encrypted under (the old secret key to "
                "ATOM_SECRET_KEY_FALLBACKS, or the old key to ATOM_TOKEN_KEYS) and run this again."
            )
