"""Passkeys and security keys (WebAuthn Level 3), through py_webauthn.

The relying party is the host the browser asked for: Django has already
checked it against ATOM_ALLOWED_HOSTS, so the RP ID is one of the operator's
names and the expected origin is exactly the page's scheme, host and port.
A passkey is bound to that name: one registered at atom.example.com works
only there. Browsers offer WebAuthn only in a secure context: HTTPS, or
http://localhost during development (docs in the README).

Challenges are random, single use (popped from the session whatever the
outcome) and live five minutes; each is tied to its purpose, so a
registration challenge cannot answer a log-in.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass

import webauthn
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn.helpers import exceptions as webauthn_errors
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from atom.twofactor.models import Passkey

_SESSION_KEY = "twofactor_webauthn_challenge"
# Whatever a malformed or forged response makes the library raise.
_REFUSALS = (webauthn_errors.WebAuthnException, ValueError, KeyError, TypeError)
CHALLENGE_SECONDS = 300


class PasskeyError(Exception):
    """A passkey response was refused; ``code`` says why, for messages and the audit."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NewCredential:
    credential_id: bytes
    public_key: bytes
    sign_count: int


def relying_party(request: HttpRequest) -> tuple[str, str]:
    """(RP ID, origin) for this request's host."""
    host = request.get_host()  # validated against ALLOWED_HOSTS
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if hostname.startswith("["):
        hostname = hostname.split("]")[0] + "]"
    scheme = "https" if request.is_secure() else "http"
    return hostname, f"{scheme}://{host}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _new_challenge(request: HttpRequest, purpose: str, user_id: int) -> bytes:
    challenge = secrets.token_bytes(32)
    request.session[_SESSION_KEY] = {
        "purpose": purpose,
        "user": user_id,
        "value": _b64(challenge),
        "at": time.time(),
    }
    return challenge


def _take_challenge(request: HttpRequest, purpose: str, user_id: int) -> bytes:
    stored = request.session.pop(_SESSION_KEY, None)
    if (
        not isinstance(stored, dict)
        or stored.get("purpose") != purpose
        or stored.get("user") != user_id
        or time.time() - float(stored.get("at", 0)) > CHALLENGE_SECONDS
    ):
        raise PasskeyError("challenge_expired")
    return webauthn.base64url_to_bytes(stored["value"])


def registration_options(request: HttpRequest, user) -> str:
    """The options for navigator.credentials.create(), as JSON, with a fresh challenge."""
    rp_id, _origin = relying_party(request)
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name="Atom",
        user_name=user.email,
        user_id=f"atom-user-{user.pk}".encode(),
        user_display_name=user.email,
        challenge=_new_challenge(request, "register", user.pk),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(cid))
            for cid in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
    )
    return webauthn.options_to_json(options)


def verify_registration(request: HttpRequest, user, response_text: str) -> NewCredential:
    challenge = _take_challenge(request, "register", user.pk)
    rp_id, origin = relying_party(request)
    try:
        verified = webauthn.verify_registration_response(
            credential=_parse(response_text),
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except _REFUSALS:
        raise PasskeyError("invalid_response") from None
    return NewCredential(
        verified.credential_id, verified.credential_public_key, verified.sign_count
    )


def authentication_options(request: HttpRequest, user) -> str:
    """The options for navigator.credentials.get(), limited to this user's passkeys."""
    rp_id, _origin = relying_party(request)
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        challenge=_new_challenge(request, "authenticate", user.pk),
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(cid))
            for cid in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return webauthn.options_to_json(options)


def verify_authentication(request: HttpRequest, user, response_text: str) -> Passkey:
    """The user's passkey that signed this request's challenge, its counter and last use updated."""
    challenge = _take_challenge(request, "authenticate", user.pk)
    credential = _parse(response_text)
    try:
        raw_id = webauthn.base64url_to_bytes(str(credential["rawId"]))
    except (KeyError, TypeError, ValueError):
        raise PasskeyError("invalid_response") from None
    rp_id, origin = relying_party(request)
    with transaction.atomic():
        # Only this user's passkeys: an assertion made by another user's
        # passkey is refused even if it verifies.
        passkey = (
            Passkey.objects.select_for_update().filter(user=user, credential_id=raw_id).first()
        )
        if passkey is None:
            raise PasskeyError("unknown_passkey")
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
            )
        except _REFUSALS:
            raise PasskeyError("invalid_response") from None
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


def _parse(response_text: str) -> dict:
    try:
        value = json.loads(response_text)
    except (TypeError, ValueError):
        raise PasskeyError("invalid_response") from None
    if not isinstance(value, dict):
        raise PasskeyError("invalid_response")
    return value
