"""The keys that encrypt stored API tokens, read from the settings at call time."""

from __future__ import annotations

import base64
from functools import lru_cache

from django.conf import settings

from atom.security.core.vault import TokenVault, derive_key, parse_keys


@lru_cache(maxsize=4)
def _keys_for(
    keys_text: str | None, secret_key: str, fallbacks: tuple[str, ...]
) -> tuple[bytes, ...]:
    # The first key encrypts: ATOM_TOKEN_KEYS's first, else the one derived
    # from SECRET_KEY. Keys derived from SECRET_KEY and each of its
    # fallbacks always decrypt too, so rotating the secret key (or moving to
    # ATOM_TOKEN_KEYS) never strands a token: `atom reencrypt-tokens` then
    # moves every ciphertext to the first key, and the old one can go.
    explicit = parse_keys(keys_text) if keys_text else []
    keys: dict[bytes, bytes] = {}
    for key in [*explicit, *(derive_key(secret) for secret in (secret_key, *fallbacks))]:
        keys.setdefault(base64.urlsafe_b64decode(key), key)
    return tuple(keys.values())


@lru_cache(maxsize=4)
def _vault_for(keys: tuple[bytes, ...]) -> TokenVault:
    return TokenVault(keys)


def token_keys() -> tuple[bytes, ...]:
    """The keys configured now, the encrypting one first (read at call time, cached by value)."""
    return _keys_for(
        settings.ATOM_TOKEN_KEYS, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS)
    )


def vault() -> TokenVault:
    """The vault for the keys configured now: the first encrypts, all decrypt."""
    return _vault_for(token_keys())
