"""The write services of a user's second factors.

One function per change: add or remove the authenticator app, add or remove
a passkey, regenerate recovery codes, and reset everything (an admin or an
operator). Each takes an explicit ``Actor``, runs in one transaction with
the user's row locked (two tabs enrolling at once are applied one after the
other), and records its audit event; a refusal raises ``TwoFactorRefused``
and changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atom.accounts.models import User
from atom.audit.actors import Actor
from atom.audit.log import record
from atom.mail.notify import notify
from atom.security import keyring
from atom.signins.services import end_sessions
from atom.twofactor import codes
from atom.twofactor.models import AuthenticatorApp, Passkey, RecoveryCode

# How the user's email names a factor, in the user's language when queued.
APP = gettext_lazy("An authenticator app")
PASSKEY = gettext_lazy("A passkey")


class TwoFactorRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Factors:
    app: bool
    passkeys: int
    recovery_left: int

    @property
    def any(self) -> bool:
        # Recovery codes alone are not a factor: they come with one.
        return self.app or self.passkeys > 0


def factors(user) -> Factors:
    return Factors(
        app=AuthenticatorApp.objects.filter(user=user).exists(),
        passkeys=Passkey.objects.filter(user=user).count(),
        recovery_left=RecoveryCode.objects.filter(user=user, used_at=None).count(),
    )


def has_second_factor(user) -> bool:
    return (
        AuthenticatorApp.objects.filter(user=user).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def _lock(user) -> None:
    User.objects.select_for_update().filter(pk=user.pk).first()


def _new_recovery_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    fresh = codes.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=codes.recovery_digest(code)) for code in fresh
    )
    return [codes.shown(code) for code in fresh]


def _codes_if_first(user) -> list[str]:
    """Recovery codes for a user who has none left unused; else nothing new."""
    if RecoveryCode.objects.filter(user=user, used_at=None).exists():
        return []
    new = _new_recovery_codes(user)
    record(
        "twofactor.recovery_codes_generated",
        actor=Actor.system(),
        company=user.company,
        details={"email": user.email, "count": len(new)},
    )
    return new


def add_authenticator(user, secret: str, code_text: str, actor: Actor) -> list[str]:
    """Turn the authenticator app on once its first code matches.

    Returns the recovery codes made with a first factor (to be shown once),
    or an empty list. Raises codes.CodeError and saves nothing if the code
    does not match.
    """
    with transaction.atomic():
        _lock(user)
        if AuthenticatorApp.objects.filter(user=user).exists():
            raise TwoFactorRefused(
                _("An authenticator app is already set up. Remove it first to set up another.")
            )
        step = codes.verify_totp(secret, code_text, now=time.time(), last_step=0)
        AuthenticatorApp.objects.create(
            user=user,
            secret_ciphertext=keyring.vault().encrypt(secret),
            last_step=step,
            last_used_at=timezone.now(),
        )
        record("twofactor.app_added", actor=actor, company=user.company)
        _tell(user, actor, "second_factor.added", method=APP)
        return _codes_if_first(user)


def add_passkey(
    user, name: str, credential_id: bytes, public_key: bytes, sign_count: int, actor: Actor
) -> tuple[Passkey, list[str]]:
    with transaction.atomic():
        _lock(user)
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise TwoFactorRefused(_("This passkey is already registered."))
        passkey = Passkey.objects.create(
            user=user,
            name=name,
            credential_id=credential_id,
            public_key=public_key,
            sign_count=sign_count,
        )
        record("twofactor.passkey_added", actor=actor, company=user.company, details={"name": name})
        _tell(user, actor, "second_factor.added", method=PASSKEY)
        return passkey, _codes_if_first(user)


def verify_app_code(user, code_text: str) -> None:
    """Accept a current, unused authenticator code, or raise codes.CodeError."""
    with transaction.atomic():
        app = AuthenticatorApp.objects.select_for_update().filter(user=user).first()
        if app is None:
            raise codes.WrongCode()
        secret = keyring.vault().decrypt(app.secret_ciphertext)
        step = codes.verify_totp(secret, code_text, now=time.time(), last_step=app.last_step)
        app.last_step = step
        app.last_used_at = timezone.now()
        app.save(update_fields=["last_step", "last_used_at"])


def use_recovery_code(user, code_text: str) -> int:
    """Spend one recovery code; returns how many are left. Raises codes.CodeError."""
    digest = codes.recovery_digest(codes.clean_recovery(code_text))
    with transaction.atomic():
        # One UPDATE that only matches an unused code: two requests racing
        # with the same code cannot both succeed.
        spent = RecoveryCode.objects.filter(user=user, digest=digest, used_at=None).update(
            used_at=timezone.now()
        )
        if not spent:
            if RecoveryCode.objects.filter(user=user, digest=digest).exists():
                raise codes.ReusedCode()
            raise codes.WrongCode()
        left = RecoveryCode.objects.filter(user=user, used_at=None).count()
        record(
            "twofactor.recovery_code_used", user=user, company=user.company, details={"left": left}
        )
        _tell(user, Actor.for_user(user), "recovery_code.used", remaining=left)
        return left


def regenerate_recovery_codes(user, actor: Actor) -> list[str]:
    with transaction.atomic():
        _lock(user)
        if not has_second_factor(user):
            raise TwoFactorRefused(_("Set up an authenticator app or a passkey first."))
        new = _new_recovery_codes(user)
        record(
            "twofactor.recovery_codes_generated",
            actor=actor,
            company=user.company,
            details={"email": user.email, "count": len(new)},
        )
        _tell(user, actor, "recovery_codes.regenerated")
        return new


def _refuse_if_last_and_required(user) -> None:
    factors_now = factors(user)
    count = int(factors_now.app) + factors_now.passkeys
    if count <= 1 and user.company.security.require_two_factor:
        raise TwoFactorRefused(
            _(
                "Your company requires two-step verification: add another authenticator app or "
                "passkey before you remove your last one."
            )
        )


def _turned_off_if_none_left(user, actor: Actor) -> bool:
    if has_second_factor(user):
        return False
    RecoveryCode.objects.filter(user=user).delete()
    record("twofactor.disabled", actor=actor, company=user.company, details={"email": user.email})
    return True


def remove_authenticator(user, actor: Actor) -> bool:
    """Remove the app; True if that turned two-step verification off."""
    with transaction.atomic():
        _lock(user)
        _refuse_if_last_and_required(user)
        deleted, _rows = AuthenticatorApp.objects.filter(user=user).delete()
        if not deleted:
            return False
        record("twofactor.app_removed", actor=actor, company=user.company)
        _tell(user, actor, "second_factor.removed", method=APP)
        return _turned_off_if_none_left(user, actor)


def remove_passkey(user, passkey_id: int, actor: Actor) -> bool:
    """Remove one of the user's passkeys; True if that turned two-step verification off."""
    with transaction.atomic():
        _lock(user)
        passkey = Passkey.objects.filter(user=user, id=passkey_id).first()
        if passkey is None:
            raise TwoFactorRefused(_("This passkey was already removed."))
        _refuse_if_last_and_required(user)
        passkey.delete()
        record(
            "twofactor.passkey_removed",
            actor=actor,
            company=user.company,
            details={"name": passkey.name},
        )
        _tell(user, actor, "second_factor.removed", method=PASSKEY)
        return _turned_off_if_none_left(user, actor)


def reset(user, actor: Actor) -> bool:
    """Remove every second factor of ``user`` (an admin, or `atom 2fa reset`). True if any."""
    with transaction.atomic():
        _lock(user)
        had = has_second_factor(user)
        AuthenticatorApp.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        record(
            "twofactor.reset",
            actor=actor,
            company=user.company,
            details={"email": user.email, "had_second_factor": had},
        )
        # Whoever was signed in with the lost factor must prove themselves again.
        end_sessions(user, actor=actor, reason="second_factor_reset")
        if had:
            notify(
                "second_factor.reset",
                company=user.company,
                actor=actor,
                details={"email": user.email},
            )
        return had


def _tell(user, actor: Actor, event: str, **details) -> None:
    """The user's own security email (atom.mail), queued with the change."""
    notify(event, company=user.company, actor=actor, user=user, details=details)
