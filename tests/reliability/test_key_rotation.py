"""Rotating ATOM_SECRET_KEY or ATOM_TOKEN_KEYS logs no one out and loses no token.

The documented rotation (docs/deploy.md): put the new key first and keep the
old one as a fallback, run `atom reencrypt-tokens`, then drop the old key.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from atom.audit.actors import Actor
from atom.audit.models import AuditEvent
from atom.security import api_tokens
from atom.security.core.vault import generate_key
from atom.security.models import ApiToken
from tests.console import Console
from tests.servers import ROOT, server_database_url

OLD_SECRET = os.environ["ATOM_SECRET_KEY"]  # what the test settings and servers use
NEW_SECRET = "the-new-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-NEW"
REVEAL = "/settings/my-company/settings/security/token/reveal/"


def reencrypt(**options) -> str:
    out = io.StringIO()
    call_command("reencrypt_tokens", stdout=out, **options)
    return out.getvalue()


def clear_tokens(company) -> set[str]:
    return {api_tokens.reveal(row) for row in ApiToken.objects.filter(company=company)}


@pytest.mark.django_db
def test_a_new_secret_key_with_the_old_one_as_fallback_reads_every_token(acme, acme_token):
    api_tokens.rotate(acme, api_tokens.GRACE_CHOICES["1h"], Actor.operator())
    before = clear_tokens(acme)
    assert acme_token in before
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET]):
        assert clear_tokens(acme) == before
        output = reencrypt()
        assert output.strip() == "Re-encrypted 2 API tokens under the first key; 0 already were."
        assert reencrypt().startswith("Re-encrypted 0 API tokens under the first key; 2 already")
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[]):
        assert clear_tokens(acme) == before  # the old key is no longer needed
    with override_settings(SECRET_KEY=OLD_SECRET, SECRET_KEY_FALLBACKS=[]):
        with pytest.raises(Exception, match="cannot be decrypted"):
            api_tokens.reveal(ApiToken.objects.filter(company=acme).first())


@pytest.mark.django_db
def test_token_keys_rotate_the_same_way(acme, acme_token):
    first, second = generate_key(), generate_key()
    with override_settings(ATOM_TOKEN_KEYS=first):
        reencrypt()  # from the key derived from the secret key to an explicit one
    with override_settings(ATOM_TOKEN_KEYS=first, SECRET_KEY=NEW_SECRET):
        assert clear_tokens(acme) == {acme_token}
    with override_settings(ATOM_TOKEN_KEYS=f"{second},{first}"):
        assert reencrypt().startswith("Re-encrypted 1 API tokens")
    with override_settings(ATOM_TOKEN_KEYS=second, SECRET_KEY=NEW_SECRET):
        assert clear_tokens(acme) == {acme_token}


@pytest.mark.django_db
def test_it_names_tokens_no_key_decrypts_and_changes_nothing_else(acme, globex, acme_token):
    with override_settings(ATOM_TOKEN_KEYS=generate_key()):
        reencrypt()  # every token now under a key that is then lost
    before = dict(ApiToken.objects.values_list("id", "ciphertext"))
    with pytest.raises(CommandError) as refused:
        reencrypt()
    message = str(refused.value)
    assert message.startswith("2 API tokens cannot be decrypted with any configured key:")
    assert "(active, acme)" in message and "(active, globex)" in message
    assert "ATOM_SECRET_KEY_FALLBACKS" in message
    assert dict(ApiToken.objects.values_list("id", "ciphertext")) == before


@pytest.mark.django_db
def test_it_is_audited_once_as_an_operator_action_without_any_secret(acme, acme_token):
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET]):
        output = reencrypt(batch_size=1)
    event = AuditEvent.objects.get(action="tokens.reencrypted")
    assert event.actor_type == "operator" and event.company is None
    assert event.details == {"reencrypted": 1, "unchanged": 0, "stranded": 0}
    row = ApiToken.objects.get(company=acme)
    for secret in (acme_token, row.ciphertext, NEW_SECRET, OLD_SECRET):
        assert secret not in output and secret not in repr(event.details)


def atom_command(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "atom.cli", *args],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "atom.settings",
            "DATABASE_URL": server_database_url(),
            **env,
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.servers
def test_the_documented_rotation_keeps_sessions_and_tokens_end_to_end(
    atom_servers, owner, acme, acme_token
):
    before = atom_servers(workers=1)  # on the old key
    console, idle = Console(before), Console(before)
    assert console.log_in(owner.email).status_code == 302
    assert idle.log_in(owner.email).status_code == 302
    before.stop()

    # 1. Every host restarts with the new key first and the old one as fallback.
    rotating = {"ATOM_SECRET_KEY": NEW_SECRET, "ATOM_SECRET_KEY_FALLBACKS": OLD_SECRET}
    during = atom_servers(workers=1, **rotating)
    console.base = during.base_url
    assert console.get("/settings/my-company/settings/").status_code == 200  # still logged in
    assert console.post(REVEAL).json()["token"] == acme_token
    # 2. The operator re-encrypts (the hyphenated spelling, as documented).
    result = atom_command("reencrypt-tokens", **rotating)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Re-encrypted 1 API tokens under the first key; 0 already were."
    assert acme_token not in result.stdout + result.stderr
    during.stop()

    # 3. Later, the fallback goes: the session used during the rotation and
    # every token still work.
    after = atom_servers(workers=1, ATOM_SECRET_KEY=NEW_SECRET)
    console.base = after.base_url
    assert console.get("/settings/my-company/settings/").status_code == 200
    assert console.post(REVEAL).json()["token"] == acme_token
    api = after.get("/api/v1/company", headers={"Authorization": f"Bearer {acme_token}"})
    assert api.status == 200
    # A session not used while the fallback was there is signed with the old
    # key only: why docs/deploy.md keeps the fallback for a session's 12 hours.
    idle.base = after.base_url
    assert idle.get("/settings/my-company/settings/").status_code == 302
    assert settings.SECRET_KEY == OLD_SECRET  # this process never changed key
