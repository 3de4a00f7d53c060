"""How a session key is kept: a digest to find it, a ciphertext to end it."""

from __future__ import annotations

import hashlib

from atom.security.keyring import vault


def digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def seal(session_key: str) -> str:
    return vault().encrypt(session_key)


def unseal(ciphertext: str) -> str:
    return vault().decrypt(ciphertext)
