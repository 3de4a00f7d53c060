"""Encryption at rest of company API tokens, with key rotation.

Tokens are looked up by their digest (see :mod:`atom.security.core.tokens`) but,
as GitLab does, also stored encrypted so that the platform can show a token
again to its owner. Encryption is Fernet (AES-128-CBC with HMAC-SHA256,
authenticated), through :class:`~cryptography.fernet.MultiFernet`: the first
key encrypts and every key decrypts, so an operator rotates keys by putting a
new key first, running :meth:`TokenVault.rotate` over the stored ciphertexts,
then dropping the old key.

There is no ``needs_rotation``: a Fernet ciphertext does not say which key
made it, so finding out takes a trial decryption, which costs about as much
as :meth:`TokenVault.rotate` itself.
"""

import base64
import re
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "DERIVE_INFO",
    "KeyConfigError",
    "TokenVault",
    "UndecryptableToken",
    "VaultError",
    "derive_key",
    "generate_key",
    "parse_keys",
]

# Fixed, versioned HKDF context. Changing it changes every derived key, which
# makes every ciphertext stored under a derived key undecryptable: bump the
# version only together with a migration.
DERIVE_INFO = b"atom token vault v1"

# A Fernet key is 32 bytes in URL-safe base64 with its padding: 43 characters
# and "=". Fernet itself decodes leniently (it would accept "+" and "/", and
# ignore stray characters), so the format is checked here.
_FERNET_KEY = re.compile(rb"[A-Za-z0-9_-]{43}=")


class VaultError(Exception):
    """Base class of every error raised by this module.

    Messages never contain a key, a ciphertext or a plaintext.
    """


class UndecryptableToken(VaultError):
    """No configured key decrypts the ciphertext, or it is not a Fernet token."""

    def __init__(self) -> None:
        super().__init__(
            "The stored token cannot be decrypted with any configured key; "
            "it was encrypted under another key or altered."
        )


class KeyConfigError(VaultError, ValueError):
    """The configured keys are unusable. The message names a key by position only."""


def _check_keys(keys: Sequence[bytes]) -> None:
    if not keys:
        raise KeyConfigError("no token encryption key is configured")
    seen: dict[bytes, int] = {}
    for position, key in enumerate(keys, start=1):
        where = f"key {position} of {len(keys)}"
        if _FERNET_KEY.fullmatch(key) is None:
            raise KeyConfigError(
                f"{where} is not a valid Fernet key: expected 32 bytes of URL-safe base64"
            )
        # Compare decoded bytes: two spellings of one key are still one key.
        raw = base64.urlsafe_b64decode(key)
        if raw in seen:
            raise KeyConfigError(f"{where} is the same as key {seen[raw]}")
        seen[raw] = position


def parse_keys(text: str) -> list[bytes]:
    """Parse the ``ATOM_TOKEN_KEYS`` setting: comma-separated Fernet keys, newest first.

    Whitespace around each key is ignored. Empty entries, invalid keys and
    duplicates are refused, since each is most likely a copy-and-paste
    mistake that would otherwise surface only when a decryption fails.

    :raises KeyConfigError: the setting is empty, or a key is invalid or
        repeated.
    """
    if not text.strip():
        raise KeyConfigError("ATOM_TOKEN_KEYS contains no key")
    # UTF-8 rather than ASCII so a stray non-ASCII character is reported like
    # any other invalid key, by position, instead of by a UnicodeEncodeError
    # that would quote it.
    keys = [entry.strip().encode("utf-8") for entry in text.split(",")]
    _check_keys(keys)
    return keys


def derive_key(secret_key: str) -> bytes:
    """Derive a Fernet key from the Django-style secret key.

    This is the fallback when ``ATOM_TOKEN_KEYS`` is unset. The same secret
    always yields the same key, so tokens stay readable across restarts and
    processes without any stored state. HKDF-SHA256 with the fixed
    :data:`DERIVE_INFO` separates this key from every other use of the secret.
    There is no salt (RFC 5869 makes it optional): a random salt would have to
    be stored and shared like a key, which is what ``ATOM_TOKEN_KEYS`` is for,
    and a fixed one would add nothing that ``info`` does not already give.

    When the secret key changes, old tokens stay readable as long as the old
    secret is listed in ``ATOM_SECRET_KEY_FALLBACKS`` (keys derived from the
    fallbacks decrypt, see ``atom.security.api_tokens``) until ``atom
    reencrypt-tokens`` has moved every ciphertext to the new key.

    :raises KeyConfigError: *secret_key* is empty.
    """
    if not secret_key:
        raise KeyConfigError("the secret key is empty; no token encryption key can be derived")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVE_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


def generate_key() -> str:
    """Return a new random Fernet key, printable, for ``ATOM_TOKEN_KEYS``."""
    return Fernet.generate_key().decode("ascii")


class TokenVault:
    """Encrypts tokens with the first of *keys*; decrypts with any of them.

    :raises KeyConfigError: *keys* is empty, or a key is invalid or repeated.
    """

    def __init__(self, keys: Sequence[bytes]) -> None:
        _check_keys(keys)
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, token: str) -> str:
        """Return *token* encrypted under the first key, as ASCII text."""
        return self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """Return the token that *ciphertext* encrypts.

        :raises UndecryptableToken: no key decrypts *ciphertext*.
        """
        try:
            return self._fernet.decrypt(self._ascii(ciphertext)).decode("utf-8")
        # "from None": the causes carry nothing useful, and a UnicodeDecodeError
        # would quote plaintext bytes.
        except (InvalidToken, UnicodeDecodeError):
            raise UndecryptableToken() from None

    def rotate(self, ciphertext: str) -> str:
        """Return *ciphertext* re-encrypted under the first key.

        The result differs on every call (fresh IV), even when *ciphertext*
        was already under the first key.

        :raises UndecryptableToken: no key decrypts *ciphertext*.
        """
        try:
            return self._fernet.rotate(self._ascii(ciphertext)).decode("ascii")
        except InvalidToken:
            raise UndecryptableToken() from None

    @staticmethod
    def _ascii(ciphertext: str) -> bytes:
        # Fernet raises a bare ValueError, not InvalidToken, on a non-ASCII str.
        if not ciphertext.isascii():
            raise UndecryptableToken()
        return ciphertext.encode("ascii")
