"""Company API tokens: their format, the Authorization header, digest and masking.

A token looks like ``atom_`` + 40 random base62 characters + 6 base62
characters of checksum, 51 characters in all. The shape follows GitHub's and
npm's token formats, for two reasons:

* the fixed prefix lets secret scanners (GitHub secret scanning, gitleaks,
  trufflehog) recognise a leaked Atom token with no false positives, so it can
  be revoked before someone uses it;
* the checksum lets :func:`parse` reject mistyped or made-up strings before any
  database lookup, so garbage sent to the API costs a few microseconds rather
  than a query.

Integration tokens (atom.security.integrations) have their own prefix,
``atomi_``, and the same random part and checksum, 52 characters in all, so
a scanner tells them apart from company tokens and the gate knows which table
to look in before any query. The pattern for scanners (README):
``\batomi?_[0-9A-Za-z]{46}\b``.

The checksum is the CRC32 of everything before it (prefix and random part),
written as a zero-padded, fixed-width base62 number; six base62 digits are
enough because 62**6 > 2**32. It is not a MAC: anyone can compute it, and it
only separates "could be a token we issued" from "certainly is not".

No secret is compared in this module, so :func:`hmac.compare_digest` has no
place here: the checksum is a public function of the string under test, and
the stored side of a token is only ever reached through its :func:`digest`.
"""

import hashlib
import secrets
import string
import zlib

__all__ = [
    "ALPHABET",
    "INTEGRATION_LENGTH",
    "INTEGRATION_PREFIX",
    "LENGTH",
    "PREFIX",
    "CredentialsInvalid",
    "CredentialsMissing",
    "TokenChecksumMismatch",
    "TokenError",
    "TokenMalformed",
    "digest",
    "generate",
    "is_integration",
    "is_well_formed",
    "last4",
    "mask",
    "parse",
    "parse_authorization",
]

PREFIX = "atom_"
# Not "atom_i...": a different fifth character, so no prefix is a prefix of
# the other and one startswith() tells them apart.
INTEGRATION_PREFIX = "atomi_"
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase

# 40 base62 characters carry 40 * log2(62) ~= 238 bits of entropy, more than a
# 128-bit key, so guessing a token is hopeless however fast an attacker is.
_RANDOM_LENGTH = 40
_CHECKSUM_LENGTH = 6
_CHECKED_LENGTH = len(PREFIX) + _RANDOM_LENGTH
LENGTH = _CHECKED_LENGTH + _CHECKSUM_LENGTH
INTEGRATION_LENGTH = LENGTH + len(INTEGRATION_PREFIX) - len(PREFIX)

_BASE = len(ALPHABET)
_MASK_BULLETS = "\u2022" * 16


class TokenError(ValueError):
    """Base class of every error raised by this module.

    Errors carry a fixed message and take no arguments: the offending text
    can never end up in a message, so it never reaches a log line or an error
    response.
    """

    message = "The value is not a valid Atom token."

    def __init__(self) -> None:
        super().__init__(self.message)


class TokenMalformed(TokenError):
    """The text is not shaped like an Atom token.

    Wrong length, wrong prefix, or a character outside ``[0-9A-Za-z]`` after
    the prefix (which includes every non-ASCII character).
    """

    message = "The token does not have the Atom token format."


class TokenChecksumMismatch(TokenMalformed):
    """The text is shaped like a token but its checksum does not match."""

    message = "The token's checksum does not match; it was mistyped or altered."


class CredentialsMissing(TokenError):
    """The request carries no credentials: no Authorization header, or a blank one.

    Maps to HTTP 401 ``token_missing``. RFC 6750 section 3.1 likewise answers
    a request without authentication with no error code, and one with bad
    credentials with ``invalid_token``.
    """

    message = "The request has no Authorization header."


class CredentialsInvalid(TokenError):
    """The Authorization header is present but is not ``Bearer <token>``.

    Maps to HTTP 401 ``token_invalid``. When the scheme is right but the token
    is not, the :class:`TokenMalformed` or :class:`TokenChecksumMismatch` from
    :func:`parse` is chained as ``__cause__``, for metrics and debugging; the
    HTTP answer must not depend on it.
    """

    message = "The Authorization header is not 'Bearer' followed by an Atom token."


def _checksum(checked: str) -> str:
    """Return the six base62 checksum digits of *checked*, most significant first."""
    value = zlib.crc32(checked.encode("ascii"))
    digits = []
    for _ in range(_CHECKSUM_LENGTH):
        value, digit = divmod(value, _BASE)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def generate(prefix: str = PREFIX) -> str:
    """Return a new random token (``prefix``: PREFIX or INTEGRATION_PREFIX)."""
    if prefix not in (PREFIX, INTEGRATION_PREFIX):
        raise ValueError("unknown token prefix")
    # secrets.choice draws each character uniformly (no modulo bias) from the
    # operating system's CSPRNG.
    body = prefix + "".join(secrets.choice(ALPHABET) for _ in range(_RANDOM_LENGTH))
    return body + _checksum(body)


def _defect(text: str) -> type[TokenMalformed] | None:
    """Return the error class describing what is wrong with *text*, or None.

    Checks go from cheapest to dearest, and the length check comes first so
    that a string of the wrong length, whatever its size, costs one ``len``.
    """
    length = len(text)
    if length == LENGTH:
        prefix, checked = PREFIX, _CHECKED_LENGTH
    elif length == INTEGRATION_LENGTH:
        prefix, checked = INTEGRATION_PREFIX, INTEGRATION_LENGTH - _CHECKSUM_LENGTH
    else:
        return TokenMalformed
    # str.isalnum accepts non-ASCII letters and digits such as "é" or "٣", so
    # isascii is needed to restrict it to [0-9A-Za-z].
    if not (text.startswith(prefix) and text.isascii() and text[len(prefix) :].isalnum()):
        return TokenMalformed
    if _checksum(text[:checked]) != text[checked:]:
        return TokenChecksumMismatch
    return None


def parse(text: str) -> str:
    """Return *text* if it is a well-formed token.

    Well-formed means shaped like a token with a matching checksum; whether the
    token was issued and is still active is for the database to say.

    :raises TokenMalformed: wrong length, wrong prefix or a character outside
        base62.
    :raises TokenChecksumMismatch: the checksum does not match (a subclass of
        :class:`TokenMalformed`).
    """
    defect = _defect(text)
    if defect is not None:
        raise defect()
    return text


def is_well_formed(text: str) -> bool:
    """Return whether :func:`parse` would accept *text*, without raising."""
    return _defect(text) is None


def is_integration(token: str) -> bool:
    """Whether a token from :func:`parse` is an integration token (``atomi_``)."""
    return token.startswith(INTEGRATION_PREFIX)


def parse_authorization(value: str | None) -> str:
    """Return the token from an ``Authorization: Bearer <token>`` header value.

    The scheme is matched case-insensitively (RFC 7235 section 2.1), so
    ``bearer`` and ``BEARER`` are accepted. Everything else is strict: exactly
    one space between scheme and token and nothing around them. That is
    stricter than RFC 6750's ``"Bearer" 1*SP b64token``, on purpose: a client
    sending anything other than the canonical form has a bug worth surfacing.

    All failures are one of two classes, so that a caller can write::

        try:
            token = parse_authorization(header)
        except CredentialsMissing:
            ...  # 401 token_missing
        except CredentialsInvalid:
            ...  # 401 token_invalid

    :raises CredentialsMissing: *value* is None, empty or only whitespace.
    :raises CredentialsInvalid: anything else that is not ``Bearer`` and a
        well-formed token, with the :func:`parse` error, if any, as
        ``__cause__``.
    """
    if not value or value.isspace():
        raise CredentialsMissing()
    scheme, space, credentials = value.partition(" ")
    if not space or scheme.lower() != "bearer":
        raise CredentialsInvalid()
    try:
        return parse(credentials)
    except TokenMalformed as error:
        raise CredentialsInvalid() from error


def digest(token: str) -> str:
    """Return the SHA-256 hex digest of *token*, the key to look it up by.

    *token* must come from :func:`generate` or :func:`parse`.

    Only the digest is stored with a unique index; a database leak then
    exposes no usable token. A plain, fast, unsalted hash is right here,
    unlike for passwords: salts defeat precomputed tables and slow hashes slow
    down guessing, and both only matter when the input is guessable. With 238
    random bits nothing is, and the lookup needs the same digest for the same
    token every time, which a per-token salt would prevent.
    """
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def last4(token: str) -> str:
    """Return the last four characters of *token*, stored to show it masked.

    *token* must come from :func:`generate` or :func:`parse`. These are
    checksum characters: they reveal at most ~24 bits about the random part
    (its CRC), which still leaves over 210.
    """
    return token[-4:]


def mask(last4: str, prefix: str = PREFIX) -> str:
    """Return the masked form shown in the UI, e.g. ``atom_••••••••••••••••1a2b``."""
    return prefix + _MASK_BULLETS + last4
