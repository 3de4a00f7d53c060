"""What a refused code or passkey tells the person, one sentence per reason."""

from __future__ import annotations

from django.utils.translation import gettext as _


def code_message(method: str, reason: str) -> str:
    if method == "recovery":
        return {
            "malformed": _(
                "Recovery code: enter one of your 10 recovery codes, 10 letters and digits "
                "such as abcde-23456."
            ),
            "reused": _(
                "Recovery code: this code was already used. Each recovery code works once."
            ),
        }.get(reason, _("Recovery code: this is not one of your recovery codes."))
    return {
        "malformed": _("Code: enter the 6 digits your authenticator app shows, such as 123456."),
        "reused": _(
            "Code: this code was already used. Wait for the next code in your authenticator app."
        ),
    }.get(
        reason,
        _("Code: this code is not correct or has expired. Enter the code your app shows now."),
    )


def passkey_message(reason: str) -> str:
    return {
        "challenge_expired": _("Passkey: the request expired or was already used. Try again."),
        "unknown_passkey": _("Passkey: this passkey is not registered to your account."),
        "cancelled": _("Passkey: the browser did not give a passkey. Try again."),
    }.get(reason, _("Passkey: its answer could not be verified for this site. Try again."))
