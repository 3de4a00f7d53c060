import hashlib
import string
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atom.security.core import tokens
from atom.security.core.tokens import (
    CredentialsInvalid,
    CredentialsMissing,
    TokenChecksumMismatch,
    TokenError,
    TokenMalformed,
)

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
MALFORMED = "The token does not have the Atom token format."
CHECKSUM = "The token's checksum does not match; it was mistyped or altered."
MISSING = "The request has no Authorization header."
INVALID = "The Authorization header is not 'Bearer' followed by an Atom token."

# Pinned example: tokens already issued must keep parsing, so the checksum
# encoding may never change.
PINNED = "atom_" + "0" * 40 + "0qTEPj"


def checksum_of(body: str) -> str:
    """Reference checksum, written independently of the module under test."""
    crc = zlib.crc32(("atom_" + body).encode("ascii"))
    return "".join(BASE62[crc // 62**power % 62] for power in reversed(range(6)))


def token_from(body: str) -> str:
    return "atom_" + body + checksum_of(body)


VALID = token_from("a1B2" * 10)

bodies = st.text(alphabet=BASE62, min_size=40, max_size=40)
valid_tokens = bodies.map(token_from)


def replace(text: str, index: int, char: str) -> str:
    return text[:index] + char + text[index + 1 :]


# Format and generation


def test_it_exposes_the_prefix_and_length() -> None:
    assert tokens.PREFIX == "atom_"
    assert tokens.LENGTH == 51


def test_it_generates_tokens_of_the_documented_shape() -> None:
    token = tokens.generate()

    assert len(token) == 51
    assert token.startswith("atom_")
    assert set(token[5:]) <= set(BASE62)
    assert token[-6:] == checksum_of(token[5:45])


def test_it_generates_a_different_token_each_time() -> None:
    assert len({tokens.generate() for _ in range(1000)}) == 1000


def test_it_generates_tokens_that_parse() -> None:
    token = tokens.generate()

    assert tokens.parse(token) == token


def test_it_keeps_accepting_the_pinned_token() -> None:
    assert tokens.parse(PINNED) == PINNED


@given(valid_tokens)
def test_it_accepts_any_base62_body_followed_by_its_checksum(token: str) -> None:
    assert tokens.parse(token) == token
    assert tokens.is_well_formed(token)


# Single-character errors.
#
# CRC32 detects every error burst of 32 bits or fewer. Replacing one character
# of the prefix or body alters a single byte of the checksummed input, an
# 8-bit burst, so the CRC always changes. Replacing a checksum character
# changes the checksum text, and since the fixed-width base62 encoding is a
# bijection, a different text never stands for the same CRC. No substitution
# can collide, which the exhaustive test below confirms for one token.


@given(valid_tokens, st.integers(min_value=0, max_value=50), st.characters())
def test_it_rejects_a_token_with_any_one_character_replaced(
    token: str, index: int, char: str
) -> None:
    altered = replace(token, index, char)
    if altered == token:
        return

    assert not tokens.is_well_formed(altered)
    with pytest.raises(TokenMalformed):
        tokens.parse(altered)


@given(valid_tokens, st.integers(min_value=5, max_value=50), st.sampled_from(BASE62))
def test_it_reports_a_base62_substitution_as_a_checksum_mismatch(
    token: str, index: int, char: str
) -> None:
    altered = replace(token, index, char)
    if altered == token:
        return

    with pytest.raises(TokenChecksumMismatch):
        tokens.parse(altered)


def test_it_rejects_every_single_base62_substitution_of_a_token() -> None:
    for index in range(5, 51):
        for char in BASE62:
            if char != VALID[index]:
                assert not tokens.is_well_formed(replace(VALID, index, char))


# One test per malformed form


def test_it_rejects_an_empty_string() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse("")


def test_it_rejects_a_token_one_character_short() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(VALID[:-1])


def test_it_rejects_a_token_one_character_long() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(VALID + "0")


def test_it_rejects_a_very_long_string() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(VALID * 10_000)


def test_it_rejects_another_prefix_of_the_same_length() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse("ghpx_" + VALID[5:])


def test_it_rejects_an_uppercase_prefix() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse("ATOM_" + VALID[5:])


def test_it_rejects_an_ascii_character_outside_base62() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, "-"))


def test_it_rejects_a_second_underscore() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, "_"))


def test_it_rejects_a_space_inside_the_token() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, " "))


def test_it_rejects_a_nul_character() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, "\x00"))


def test_it_rejects_a_non_ascii_letter() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, "é"))


def test_it_rejects_a_non_ascii_digit_that_str_isalnum_accepts() -> None:
    assert "٣".isalnum()

    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, "٣"))


def test_it_rejects_a_fullwidth_digit() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(replace(VALID, 20, "０"))


def test_it_rejects_a_token_surrounded_by_whitespace() -> None:
    with pytest.raises(TokenMalformed, match=MALFORMED):
        tokens.parse(f" {VALID} ")


def test_it_rejects_a_wrong_checksum_as_a_checksum_mismatch() -> None:
    with pytest.raises(TokenChecksumMismatch, match=CHECKSUM):
        tokens.parse(VALID[:-6] + "000000")


def test_it_rejects_a_checksum_above_the_crc32_range() -> None:
    with pytest.raises(TokenChecksumMismatch, match=CHECKSUM):
        tokens.parse(VALID[:-6] + "zzzzzz")


def test_it_makes_a_checksum_mismatch_a_kind_of_malformed_token() -> None:
    assert issubclass(TokenChecksumMismatch, TokenMalformed)
    assert issubclass(TokenMalformed, TokenError)
    assert issubclass(TokenError, ValueError)


@given(
    st.text()
    | st.text(min_size=51, max_size=51)
    | st.text(min_size=46, max_size=46).map(lambda rest: "atom_" + rest)
)
def test_it_raises_only_token_errors_for_arbitrary_text(text: str) -> None:
    try:
        tokens.parse(text)
    except TokenError as error:
        assert str(error) in {MALFORMED, CHECKSUM}
        assert tokens.is_well_formed(text) is False
    else:
        assert tokens.is_well_formed(text) is True


@given(valid_tokens, st.integers(min_value=0, max_value=50), st.characters())
def test_it_never_puts_the_token_in_an_error_message(token: str, index: int, char: str) -> None:
    altered = replace(token, index, char)
    if altered == token:
        return

    with pytest.raises(TokenError) as caught:
        tokens.parse(altered)

    assert str(caught.value) in {MALFORMED, CHECKSUM}


# Digest and masking


def test_it_digests_a_token_with_sha256_hex() -> None:
    assert tokens.digest(VALID) == hashlib.sha256(VALID.encode()).hexdigest()


def test_it_digests_the_same_token_to_the_same_value() -> None:
    assert tokens.digest(VALID) == tokens.digest(VALID)


def test_it_digests_different_tokens_to_different_values() -> None:
    assert tokens.digest(VALID) != tokens.digest(PINNED)


def test_it_digests_to_64_lowercase_hex_characters() -> None:
    value = tokens.digest(tokens.generate())

    assert len(value) == 64
    assert set(value) <= set("0123456789abcdef")


def test_it_keeps_the_last_four_characters() -> None:
    assert tokens.last4(PINNED) == "TEPj"


def test_it_masks_with_the_prefix_sixteen_bullets_and_the_last_four() -> None:
    assert tokens.mask("1a2b") == "atom_••••••••••••••••1a2b"


@given(valid_tokens)
def test_it_masks_a_token_to_its_prefix_and_last_four(token: str) -> None:
    masked = tokens.mask(tokens.last4(token))

    assert masked == "atom_" + "\u2022" * 16 + token[-4:]
    assert len(masked) == 25


# Authorization header


def test_it_takes_the_token_from_a_bearer_header() -> None:
    assert tokens.parse_authorization(f"Bearer {VALID}") == VALID


def test_it_accepts_a_lowercase_scheme() -> None:
    assert tokens.parse_authorization(f"bearer {VALID}") == VALID


def test_it_accepts_an_uppercase_scheme() -> None:
    assert tokens.parse_authorization(f"BEARER {VALID}") == VALID


@given(valid_tokens, st.lists(st.booleans(), min_size=6, max_size=6))
def test_it_accepts_the_scheme_in_any_case(token: str, upper: list[bool]) -> None:
    scheme = "".join(c.upper() if u else c for c, u in zip("bearer", upper, strict=True))

    assert tokens.parse_authorization(f"{scheme} {token}") == token


def test_it_reports_an_absent_header_as_missing() -> None:
    with pytest.raises(CredentialsMissing, match=MISSING):
        tokens.parse_authorization(None)


def test_it_reports_an_empty_header_as_missing() -> None:
    with pytest.raises(CredentialsMissing, match=MISSING):
        tokens.parse_authorization("")


def test_it_reports_a_header_of_spaces_as_missing() -> None:
    with pytest.raises(CredentialsMissing, match=MISSING):
        tokens.parse_authorization("   ")


def test_it_reports_a_header_of_tabs_and_newlines_as_missing() -> None:
    with pytest.raises(CredentialsMissing, match=MISSING):
        tokens.parse_authorization("\t\r\n")


def test_it_rejects_a_bare_token_without_scheme() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(VALID)


def test_it_rejects_the_basic_scheme() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Basic {VALID}")


def test_it_rejects_the_token_scheme() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Token {VALID}")


def test_it_rejects_a_scheme_with_a_lookalike_cyrillic_letter() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"B\u0435arer {VALID}")


def test_it_rejects_the_scheme_alone() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization("Bearer")


def test_it_rejects_the_scheme_and_a_space_alone() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization("Bearer ")


def test_it_rejects_the_scheme_glued_to_the_token() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer{VALID}")


def test_it_rejects_a_colon_after_the_scheme() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer: {VALID}")


def test_it_rejects_two_spaces_between_scheme_and_token() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer  {VALID}")


def test_it_rejects_a_leading_space() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f" Bearer {VALID}")


def test_it_rejects_a_trailing_space() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer {VALID} ")


def test_it_rejects_a_trailing_newline() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer {VALID}\n")


def test_it_rejects_a_tab_between_scheme_and_token() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer\t{VALID}")


def test_it_rejects_two_tokens() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer {VALID} {PINNED}")


def test_it_rejects_two_tokens_separated_by_a_comma() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer {VALID},{PINNED}")


def test_it_rejects_a_bearer_token_with_the_wrong_prefix() -> None:
    with pytest.raises(CredentialsInvalid) as caught:
        tokens.parse_authorization("Bearer ghpx_" + VALID[5:])

    assert type(caught.value.__cause__) is TokenMalformed


def test_it_rejects_a_bearer_token_with_a_bad_checksum() -> None:
    with pytest.raises(CredentialsInvalid) as caught:
        tokens.parse_authorization(f"Bearer {VALID[:-6]}000000")

    assert type(caught.value.__cause__) is TokenChecksumMismatch


def test_it_rejects_a_bearer_token_with_a_non_ascii_character() -> None:
    with pytest.raises(CredentialsInvalid) as caught:
        tokens.parse_authorization("Bearer " + replace(VALID, 20, "é"))

    assert type(caught.value.__cause__) is TokenMalformed


def test_it_rejects_a_bearer_token_of_the_wrong_length() -> None:
    with pytest.raises(CredentialsInvalid):
        tokens.parse_authorization(f"Bearer {VALID[:-1]}")


def test_it_keeps_missing_and_invalid_credentials_apart() -> None:
    assert not issubclass(CredentialsMissing, CredentialsInvalid)
    assert not issubclass(CredentialsInvalid, CredentialsMissing)
    assert issubclass(CredentialsMissing, TokenError)
    assert issubclass(CredentialsInvalid, TokenError)


@given(st.none() | st.text() | st.text().map(lambda rest: "Bearer " + rest))
def test_it_raises_only_missing_or_invalid_for_arbitrary_headers(value: str | None) -> None:
    try:
        token = tokens.parse_authorization(value)
    except CredentialsMissing as error:
        assert str(error) == MISSING
    except CredentialsInvalid as error:
        assert str(error) == INVALID
    else:
        assert value is not None
        assert value.lower() == f"bearer {token.lower()}"


@given(valid_tokens)
def test_it_never_puts_the_header_in_an_error_message(token: str) -> None:
    with pytest.raises(CredentialsInvalid) as caught:
        tokens.parse_authorization(f"Bearer {token[:-1]}")

    assert str(caught.value) == INVALID
    assert str(caught.value.__cause__) == MALFORMED
