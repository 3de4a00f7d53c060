import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from atom.security.core import tokens
from atom.security.core.vault import (
    DERIVE_INFO,
    KeyConfigError,
    TokenVault,
    UndecryptableToken,
    VaultError,
    derive_key,
    generate_key,
    parse_keys,
)

OLD = b"qCFlAYBR9zCkEptL4WY3KmXvFzODtXueEPq6cDFkhJk="
NEW = b"cC1XKw4atLlWD-24rrrSxqAdrV4dZ-leNODgJwW0Tik="
OTHER = b"7Ad4bWJPYr4LMSxK0QUcuG3qZa0B-9qy3vV1WcWwS2E="
TOKEN = tokens.generate()
UNDECRYPTABLE = (
    "The stored token cannot be decrypted with any configured key; "
    "it was encrypted under another key or altered."
)
INVALID_KEY = "is not a valid Fernet key: expected 32 bytes of URL-safe base64"


def hkdf_sha256(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 without salt, for 32 bytes, written with the standard library."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


# Encryption and decryption


def test_it_decrypts_what_it_encrypts() -> None:
    vault = TokenVault([NEW])

    assert vault.decrypt(vault.encrypt(TOKEN)) == TOKEN


@given(st.text())
def test_it_round_trips_any_text(text: str) -> None:
    vault = TokenVault([NEW])

    assert vault.decrypt(vault.encrypt(text)) == text


def test_it_encrypts_to_ascii_text_that_does_not_contain_the_token() -> None:
    ciphertext = TokenVault([NEW]).encrypt(TOKEN)

    assert ciphertext.isascii()
    assert TOKEN not in ciphertext
    assert TOKEN[5:45] not in ciphertext


def test_it_encrypts_the_same_token_differently_each_time() -> None:
    vault = TokenVault([NEW])

    assert vault.encrypt(TOKEN) != vault.encrypt(TOKEN)


def test_it_encrypts_with_the_first_key() -> None:
    ciphertext = TokenVault([NEW, OLD]).encrypt(TOKEN)

    assert TokenVault([NEW]).decrypt(ciphertext) == TOKEN
    with pytest.raises(UndecryptableToken):
        TokenVault([OLD]).decrypt(ciphertext)


# Rotation


def test_it_decrypts_with_an_older_key_after_a_new_one_is_added() -> None:
    ciphertext = TokenVault([OLD]).encrypt(TOKEN)

    assert TokenVault([NEW, OLD]).decrypt(ciphertext) == TOKEN


def test_it_rotates_a_ciphertext_to_the_first_key() -> None:
    ciphertext = TokenVault([OLD]).encrypt(TOKEN)

    rotated = TokenVault([NEW, OLD]).rotate(ciphertext)

    assert TokenVault([NEW]).decrypt(rotated) == TOKEN
    with pytest.raises(UndecryptableToken):
        TokenVault([OLD]).decrypt(rotated)


def test_it_rotates_a_ciphertext_already_under_the_first_key() -> None:
    vault = TokenVault([NEW, OLD])
    ciphertext = vault.encrypt(TOKEN)

    assert vault.decrypt(vault.rotate(ciphertext)) == TOKEN


def test_it_refuses_to_rotate_a_ciphertext_no_key_decrypts() -> None:
    ciphertext = TokenVault([OTHER]).encrypt(TOKEN)

    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW, OLD]).rotate(ciphertext)


def test_it_refuses_to_rotate_garbage() -> None:
    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).rotate("not a ciphertext")


def test_it_refuses_to_rotate_non_ascii_text() -> None:
    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).rotate("chiffré")


# Undecryptable ciphertexts


def test_it_refuses_a_ciphertext_made_under_another_key() -> None:
    ciphertext = TokenVault([OTHER]).encrypt(TOKEN)

    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW, OLD]).decrypt(ciphertext)


def test_it_leaks_neither_ciphertext_nor_key_nor_token_when_it_refuses() -> None:
    ciphertext = TokenVault([OTHER]).encrypt(TOKEN)

    with pytest.raises(UndecryptableToken) as caught:
        TokenVault([NEW]).decrypt(ciphertext)

    assert str(caught.value) == UNDECRYPTABLE
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    for secret in (ciphertext, NEW.decode(), OTHER.decode(), TOKEN):
        assert secret not in repr(caught.value)


def test_it_refuses_an_altered_ciphertext() -> None:
    ciphertext = TokenVault([NEW]).encrypt(TOKEN)
    raw = bytearray(base64.urlsafe_b64decode(ciphertext))
    raw[-40] ^= 1
    altered = base64.urlsafe_b64encode(bytes(raw)).decode()

    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt(altered)


def test_it_refuses_a_truncated_ciphertext() -> None:
    ciphertext = TokenVault([NEW]).encrypt(TOKEN)

    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt(ciphertext[:-8])


def test_it_refuses_an_empty_ciphertext() -> None:
    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt("")


def test_it_refuses_text_that_is_not_base64() -> None:
    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt("not a ciphertext!")


def test_it_refuses_non_ascii_text() -> None:
    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt("chiffré")


def test_it_refuses_a_plaintext_token() -> None:
    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt(TOKEN)


def test_it_refuses_a_ciphertext_of_bytes_that_are_not_utf8() -> None:
    ciphertext = Fernet(NEW).encrypt(b"\xff\xfe").decode()

    with pytest.raises(UndecryptableToken, match=UNDECRYPTABLE):
        TokenVault([NEW]).decrypt(ciphertext)


@given(st.text())
def test_it_raises_only_undecryptable_token_for_arbitrary_text(text: str) -> None:
    with pytest.raises(UndecryptableToken):
        TokenVault([NEW]).decrypt(text)


def test_it_makes_every_vault_error_a_vault_error() -> None:
    assert issubclass(UndecryptableToken, VaultError)
    assert issubclass(KeyConfigError, VaultError)
    assert issubclass(KeyConfigError, ValueError)


# Keys given to the constructor


def test_it_refuses_to_build_a_vault_without_keys() -> None:
    with pytest.raises(KeyConfigError, match="no token encryption key"):
        TokenVault([])


def test_it_refuses_to_build_a_vault_with_an_invalid_key() -> None:
    with pytest.raises(KeyConfigError, match=f"key 2 of 2 {INVALID_KEY}"):
        TokenVault([NEW, b"short"])


def test_it_refuses_to_build_a_vault_with_a_repeated_key() -> None:
    with pytest.raises(KeyConfigError, match="key 2 of 2 is the same as key 1"):
        TokenVault([NEW, NEW])


# parse_keys


def test_it_parses_a_single_key() -> None:
    assert parse_keys(NEW.decode()) == [NEW]


def test_it_parses_keys_in_order_and_trims_whitespace() -> None:
    assert parse_keys(f" {NEW.decode()} ,\t{OLD.decode()}\n") == [NEW, OLD]


@given(st.lists(st.builds(generate_key), min_size=1, max_size=5, unique=True))
def test_it_parses_any_list_of_generated_keys(keys: list[str]) -> None:
    assert parse_keys(" , ".join(keys)) == [key.encode() for key in keys]


def test_it_refuses_an_empty_setting() -> None:
    with pytest.raises(KeyConfigError, match="contains no key"):
        parse_keys("")


def test_it_refuses_a_setting_of_whitespace() -> None:
    with pytest.raises(KeyConfigError, match="contains no key"):
        parse_keys(" \t\n")


def test_it_refuses_an_empty_entry_from_a_trailing_comma() -> None:
    with pytest.raises(KeyConfigError, match=f"key 2 of 2 {INVALID_KEY}"):
        parse_keys(f"{NEW.decode()},")


def test_it_refuses_an_empty_entry_between_commas() -> None:
    with pytest.raises(KeyConfigError, match=f"key 2 of 3 {INVALID_KEY}"):
        parse_keys(f"{NEW.decode()},,{OLD.decode()}")


def test_it_refuses_a_key_that_is_too_short() -> None:
    short = base64.urlsafe_b64encode(b"k" * 16).decode()

    with pytest.raises(KeyConfigError, match=f"key 1 of 1 {INVALID_KEY}"):
        parse_keys(short)


def test_it_refuses_a_key_that_is_too_long() -> None:
    long = base64.urlsafe_b64encode(b"k" * 64).decode()

    with pytest.raises(KeyConfigError, match=f"key 1 of 1 {INVALID_KEY}"):
        parse_keys(long)


def test_it_refuses_a_key_without_its_padding() -> None:
    with pytest.raises(KeyConfigError, match=f"key 1 of 1 {INVALID_KEY}"):
        parse_keys(NEW.decode().rstrip("="))


def test_it_refuses_a_key_in_standard_rather_than_url_safe_base64() -> None:
    standard = base64.b64encode(base64.urlsafe_b64decode(NEW)).decode()
    assert standard != NEW.decode()

    with pytest.raises(KeyConfigError, match=f"key 1 of 1 {INVALID_KEY}"):
        parse_keys(standard)


def test_it_refuses_a_key_with_a_stray_character_that_fernet_would_ignore() -> None:
    with pytest.raises(KeyConfigError, match=f"key 1 of 1 {INVALID_KEY}"):
        parse_keys(NEW.decode()[:20] + "!" + NEW.decode()[21:])


def test_it_refuses_a_key_with_a_non_ascii_character() -> None:
    with pytest.raises(KeyConfigError, match=f"key 2 of 2 {INVALID_KEY}"):
        parse_keys(NEW.decode() + "," + OLD.decode()[:20] + "é" + OLD.decode()[21:])


def test_it_refuses_a_raw_secret_instead_of_a_key() -> None:
    with pytest.raises(KeyConfigError, match=f"key 1 of 1 {INVALID_KEY}"):
        parse_keys("django-insecure-this-is-not-a-fernet-key-at-all")


def test_it_refuses_a_repeated_key() -> None:
    with pytest.raises(KeyConfigError, match="key 3 of 3 is the same as key 1"):
        parse_keys(f"{NEW.decode()},{OLD.decode()},{NEW.decode()}")


def test_it_never_puts_a_key_in_a_key_error_message() -> None:
    bad = NEW.decode()[:-2]

    with pytest.raises(KeyConfigError) as caught:
        parse_keys(f"{OLD.decode()},{bad}")

    assert str(caught.value) == f"key 2 of 2 {INVALID_KEY}"


# derive_key and generate_key


def test_it_derives_the_same_key_from_the_same_secret() -> None:
    assert derive_key("s3cret-key") == derive_key("s3cret-key")


def test_it_derives_different_keys_from_different_secrets() -> None:
    assert derive_key("s3cret-key") != derive_key("s3cret-kez")


def test_it_derives_keys_with_hkdf_sha256_without_salt() -> None:
    expected = base64.urlsafe_b64encode(hkdf_sha256(b"s3cret-key", b"atom token vault v1"))

    assert DERIVE_INFO == b"atom token vault v1"
    assert derive_key("s3cret-key") == expected


def test_it_keeps_deriving_the_pinned_key() -> None:
    # Changing the derivation would make every stored token undecryptable.
    assert derive_key("django-insecure-example") == b"FsstSsuYcfkSNvFcP_WnnGg-HwREEPvNVqHLRiGL6P8="


def test_it_derives_a_key_the_vault_and_parse_keys_accept() -> None:
    key = derive_key("s3cret-key")

    assert parse_keys(key.decode()) == [key]
    vault = TokenVault([key])
    assert vault.decrypt(vault.encrypt(TOKEN)) == TOKEN


def test_it_refuses_to_derive_a_key_from_an_empty_secret() -> None:
    with pytest.raises(KeyConfigError, match="secret key is empty"):
        derive_key("")


def test_it_generates_a_printable_key_that_parse_keys_accepts() -> None:
    key = generate_key()

    assert key.isprintable()
    assert parse_keys(key) == [key.encode()]


def test_it_generates_a_different_key_each_time() -> None:
    assert generate_key() != generate_key()
