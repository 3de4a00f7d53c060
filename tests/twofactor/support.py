"""What the two-step verification tests share: enrolling a user, and codes of now."""

from __future__ import annotations

import time

import pyotp

from atom.audit.actors import Actor
from atom.twofactor import codes, services
from atom.twofactor.models import AuthenticatorApp


def code_now(secret: str, *, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 + offset_steps)


def enrol_app(user) -> tuple[str, list[str]]:
    """Turn the authenticator app on for ``user``: (its secret, the recovery codes shown)."""
    secret = codes.new_secret()
    recovery = services.add_authenticator(user, secret, code_now(secret), Actor.for_user(user))
    # Enrolment used this step's code; let the test's first log-in use it again.
    AuthenticatorApp.objects.filter(user=user).update(last_step=0)
    return secret, recovery


def audit_actions(company) -> list[str]:
    from atom.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(company=company).order_by("id").values_list("action", flat=True)
    )
