"""The authenticator-app code window, replay and recovery-code forms, without Django."""

from __future__ import annotations

import pyotp
import pytest

from atom.twofactor import codes

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015.0  # 15 s into a 30-second step
STEP = int(NOW) // 30


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).generate_otp(step)


def test_it_accepts_the_current_code_and_returns_its_step():
    assert codes.verify_totp(SECRET, code_at(STEP), now=NOW, last_step=0) == STEP


@pytest.mark.parametrize("offset", [-1, 1])
def test_it_accepts_one_step_of_clock_skew_either_way(offset):
    assert codes.verify_totp(SECRET, code_at(STEP + offset), now=NOW, last_step=0) == STEP + offset


@pytest.mark.parametrize("offset", [-2, 2, -10])
def test_it_refuses_a_code_two_steps_or_more_away(offset):
    with pytest.raises(codes.WrongCode):
        codes.verify_totp(SECRET, code_at(STEP + offset), now=NOW, last_step=0)


def test_it_refuses_a_code_whose_step_was_already_used():
    used = codes.verify_totp(SECRET, code_at(STEP), now=NOW, last_step=0)
    with pytest.raises(codes.ReusedCode):
        codes.verify_totp(SECRET, code_at(STEP), now=NOW, last_step=used)


def test_it_refuses_an_older_code_once_a_newer_one_was_used():
    with pytest.raises(codes.ReusedCode):
        codes.verify_totp(SECRET, code_at(STEP - 1), now=NOW, last_step=STEP)


def test_it_accepts_the_next_code_after_one_was_used():
    assert codes.verify_totp(SECRET, code_at(STEP + 1), now=NOW + 30, last_step=STEP) == STEP + 1


def test_it_refuses_a_wrong_code():
    wrong = f"{(int(code_at(STEP)) + 1) % 1_000_000:06d}"
    with pytest.raises(codes.WrongCode):
        codes.verify_totp(SECRET, wrong, now=NOW, last_step=0)


@pytest.mark.parametrize("typed", ["12345", "1234567", "12345a", "", "١٢٣٤٥٦", "12 34 5"])
def test_it_refuses_a_malformed_code(typed):
    with pytest.raises(codes.MalformedCode):
        codes.verify_totp(SECRET, typed, now=NOW, last_step=0)


def test_it_ignores_spaces_and_dashes_in_a_typed_code():
    code = code_at(STEP)
    assert codes.verify_totp(SECRET, f" {code[:3]} {code[3:]} ", now=NOW, last_step=0) == STEP
    assert codes.verify_totp(SECRET, f"{code[:3]}-{code[3:]}", now=NOW, last_step=0) == STEP


def test_it_makes_ten_different_recovery_codes_of_ten_characters():
    made = codes.new_recovery_codes()
    assert len(made) == 10 and len(set(made)) == 10
    assert all(len(code) == 10 for code in made)


def test_it_reads_a_recovery_code_as_printed_or_typed_loosely():
    code = codes.new_recovery_codes()[0]
    assert codes.clean_recovery(codes.shown(code)) == code
    assert codes.clean_recovery(codes.shown(code).upper().replace("-", " ")) == code


@pytest.mark.parametrize("typed", ["", "abcde", "abcde-2345", "abcde-234567", "abcde-0o1il"])
def test_it_refuses_a_malformed_recovery_code(typed):
    with pytest.raises(codes.MalformedCode):
        codes.clean_recovery(typed)


def test_the_secret_has_160_bits_and_goes_into_the_app_link():
    secret = codes.new_secret()
    assert len(secret) == 32
    uri = codes.provisioning_uri(secret, account="ana@acme.example", issuer="Atom")
    assert uri.startswith("otpauth://totp/Atom:ana%40acme.example?secret=" + secret)
