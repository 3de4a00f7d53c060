"""Authenticator-app codes (TOTP, RFC 6238) and recovery codes: plain Python, no Django.

pyotp computes the codes; this module adds what RFC 6238 leaves to the
verifier: the window (one 30-second step of clock skew either way, section
5.2) and refusing a code whose step was already used (section 5.2: "the
verifier MUST NOT accept the second attempt of the same OTP").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp

DIGITS = 6
STEP_SECONDS = 30
# Steps of clock skew accepted on either side of now.
SKEW_STEPS = 1

RECOVERY_CODE_COUNT = 10
# 10 characters of base32 without look-alikes: 50 bits, far beyond guessing
# within the log-in lock-out, short enough to type from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10


class CodeError(Exception):
    """A code was refused; ``code`` says why (for messages and the audit)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class MalformedCode(CodeError):
    def __init__(self) -> None:
        super().__init__("malformed")


class WrongCode(CodeError):
    def __init__(self) -> None:
        super().__init__("wrong")


class ReusedCode(CodeError):
    def __init__(self) -> None:
        super().__init__("reused")


def new_secret() -> str:
    """A 160-bit base32 secret, the size RFC 4226 recommends."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_totp(text: str) -> str:
    """Six digits, spaces and dashes allowed between them; else MalformedCode."""
    digits = "".join(text.split()).replace("-", "")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        raise MalformedCode()
    return digits


def verify_totp(secret: str, text: str, *, now: float, last_step: int) -> int:
    """The time step the code belongs to, if it is within the window and newer than ``last_step``.

    Raises MalformedCode, WrongCode, or ReusedCode (right code, but its step
    or a later one was already used).
    """
    code = clean_totp(text)
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now) // STEP_SECONDS
    matched = None
    for step in range(current - SKEW_STEPS, current + SKEW_STEPS + 1):
        # compare_digest: no timing hint of how many digits matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            matched = step
    if matched is None:
        raise WrongCode()
    if matched <= last_step:
        raise ReusedCode()
    return matched


def new_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def shown(code: str) -> str:
    """A recovery code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def clean_recovery(text: str) -> str:
    """The canonical form of a typed recovery code (case, spaces and dashes ignored)."""
    code = "".join(text.split()).replace("-", "").lower()
    if len(code) != _RECOVERY_LENGTH or any(c not in _RECOVERY_ALPHABET for c in code):
        raise MalformedCode()
    return code


def recovery_digest(code: str) -> str:
    # 50 random bits per code: a plain SHA-256 cannot be reversed by
    # guessing, the way API tokens are stored (no slow hash needed).
    return hashlib.sha256(code.encode()).hexdigest()
