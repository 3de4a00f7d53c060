"""`atom 2fa reset` (break glass) and `atom reencrypt-tokens` for authenticator-app secrets."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from atom.audit.models import ActorType, AuditEvent
from atom.security import keyring
from atom.twofactor.models import AuthenticatorApp, RecoveryCode
from tests.cli.test_atom_command import atom
from tests.twofactor.support import enrol_app

OLD_SECRET = os.environ["ATOM_SECRET_KEY"]
NEW_SECRET = "the-new-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-NEW"


@pytest.fixture
def db_ready(transactional_db):
    return None


def test_atom_2fa_reset_removes_every_factor_and_is_audited(db_ready, acme, agent):
    enrol_app(agent)
    result = atom("2fa", "reset", "--company", acme.slug, "--email", "AGENT@acme.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Reset two-step verification of agent@acme.example (acme)")
    assert not AuthenticatorApp.objects.exists() and not RecoveryCode.objects.exists()
    event = AuditEvent.objects.get(action="twofactor.reset")
    assert event.actor_type == ActorType.OPERATOR and event.company_id == acme.id
    assert event.details == {"email": "agent@acme.example", "had_second_factor": True}


def test_atom_2fa_reset_refuses_an_email_of_another_company(db_ready, acme, outsider):
    enrol_app(outsider)
    result = atom("2fa", "reset", "--company", acme.slug, "--email", outsider.email)
    assert result.returncode == 1
    assert "--email: 'owner@globex.example' is not a user of acme." in result.stderr
    assert AuthenticatorApp.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_reencrypt_tokens_moves_authenticator_secrets_to_the_new_key(acme, owner):
    secret, _codes = enrol_app(owner)
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET]):
        out = io.StringIO()
        call_command("reencrypt_tokens", stdout=out)
        assert "Re-encrypted 1 authenticator-app secrets under the first key; 0 already were." in (
            out.getvalue()
        )
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[]):
        stored = AuthenticatorApp.objects.get(user=owner).secret_ciphertext
        assert keyring.vault().decrypt(stored) == secret


@pytest.mark.django_db
def test_reencrypt_tokens_names_a_secret_no_key_decrypts(acme, owner):
    enrol_app(owner)
    with override_settings(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[]):
        with pytest.raises(CommandError, match="1 authenticator-app secrets cannot be decrypted"):
            call_command("reencrypt_tokens", stdout=io.StringIO())
