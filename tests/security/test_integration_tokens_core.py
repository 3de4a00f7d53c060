"""Integration tokens' primitives: the prefix, scopes, expiry and the maximum lifetime, at the edges."""

from datetime import UTC, datetime, timedelta

import pytest

from atom.security.core import scopes, token_expiry, tokens

NOW = datetime(2027, 3, 10, 15, 30, tzinfo=UTC)


def test_it_generates_integration_tokens_with_their_own_prefix_and_a_valid_checksum():
    token = tokens.generate(tokens.INTEGRATION_PREFIX)
    assert token.startswith("atomi_")
    assert len(token) == tokens.INTEGRATION_LENGTH == 52
    assert tokens.parse(token) == token
    assert tokens.is_integration(token)
    assert not tokens.is_integration(tokens.generate())


def test_it_refuses_an_integration_token_with_a_wrong_checksum_without_any_lookup():
    token = tokens.generate(tokens.INTEGRATION_PREFIX)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(tokens.TokenChecksumMismatch):
        tokens.parse(altered)


def test_it_refuses_a_company_token_body_under_the_integration_prefix():
    company = tokens.generate()
    moved = "atomi_" + company[len("atom_") :]
    with pytest.raises(tokens.TokenMalformed):
        tokens.parse(moved)  # 52 characters, but the checksum covers the prefix


def test_it_refuses_an_unknown_prefix_when_generating():
    with pytest.raises(ValueError):
        tokens.generate("evil_")


def test_it_matches_both_prefixes_with_the_documented_scanner_pattern():
    import re

    pattern = re.compile(r"\batomi?_[0-9A-Za-z]{46}\b")
    for token in (tokens.generate(), tokens.generate(tokens.INTEGRATION_PREFIX)):
        assert pattern.fullmatch(token)


def test_it_keeps_scopes_in_the_documented_order_each_once():
    assert scopes.parse(["templates:send", "flows:start", "flows:start", " "]) == (
        "flows:start",
        "templates:send",
    )


def test_it_refuses_an_unknown_scope_naming_it():
    with pytest.raises(scopes.UnknownScope) as refused:
        scopes.parse(["flows:start", "flows:delete"])
    assert "flows:delete" in str(refused.value)
    assert "flows:start" in str(refused.value)  # the known ones are listed


def test_it_refuses_no_scope_at_all():
    with pytest.raises(scopes.NoScope):
        scopes.parse(["", "  "])


def test_it_checks_a_scope_by_exact_name():
    granted = frozenset({"flows:start"})
    assert scopes.allows(granted, "flows:start")
    assert not scopes.allows(granted, "flows:read")
    assert not scopes.allows(granted, "flows")


def test_it_leaves_audit_read_out_of_the_company_tokens_scopes():
    assert scopes.COMPANY_TOKEN_SCOPES == scopes.ALL_SCOPES - {"audit:read"}


def test_it_words_the_rfc_6750_challenge():
    assert scopes.challenge("audit:read") == (
        'Bearer realm="atom", error="insufficient_scope", scope="audit:read"'
    )


@pytest.mark.parametrize("days", [30, 90, 365])
def test_it_expires_a_token_after_the_chosen_days(days):
    assert token_expiry.resolve(str(days), "", NOW) == NOW + timedelta(days=days)


def test_it_lets_a_token_never_expire_without_a_maximum():
    assert token_expiry.resolve("never", "", NOW) is None


def test_it_ends_a_dated_token_at_the_end_of_that_day_utc():
    assert token_expiry.resolve("date", "2027-03-11", NOW) == datetime(2027, 3, 12, tzinfo=UTC)


def test_it_accepts_today_as_the_date_while_today_lasts():
    assert token_expiry.resolve("date", "2027-03-10", NOW) == datetime(2027, 3, 11, tzinfo=UTC)


def test_it_refuses_yesterday():
    with pytest.raises(token_expiry.DateInPast) as refused:
        token_expiry.resolve("date", "2027-03-09", NOW)
    assert "2027-03-09" in str(refused.value) and "2027-03-10" in str(refused.value)


@pytest.mark.parametrize("text", ["2027-3-1", "01/03/2027", "2027-02-30", "２０２７-03-01"])
def test_it_refuses_a_date_not_written_as_yyyy_mm_dd(text):
    with pytest.raises(token_expiry.DateSyntax):
        token_expiry.resolve("date", text, NOW)


def test_it_asks_for_the_date_when_none_is_given():
    with pytest.raises(token_expiry.DateMissing):
        token_expiry.resolve("date", " ", NOW)


def test_it_refuses_an_unknown_choice():
    with pytest.raises(token_expiry.UnknownChoice):
        token_expiry.resolve("45", "", NOW)


def test_it_accepts_an_expiry_exactly_at_the_maximum():
    assert token_expiry.resolve("30", "", NOW, maximum_days=30) == NOW + timedelta(days=30)


def test_it_refuses_an_expiry_one_day_beyond_the_maximum():
    with pytest.raises(token_expiry.BeyondMaximum) as refused:
        token_expiry.resolve("90", "", NOW, maximum_days=89)
    assert "89" in str(refused.value)


def test_it_refuses_never_when_the_company_has_a_maximum():
    with pytest.raises(token_expiry.BeyondMaximum):
        token_expiry.resolve("never", "", NOW, maximum_days=365)


def test_it_names_the_last_date_the_maximum_allows():
    last_allowed = token_expiry.resolve("date", "2027-04-08", NOW, maximum_days=30)
    assert last_allowed == datetime(2027, 4, 9, tzinfo=UTC)
    with pytest.raises(token_expiry.BeyondMaximum) as refused:
        token_expiry.resolve("date", "2027-04-09", NOW, maximum_days=30)
    assert "2027-04-08" in str(refused.value)


@pytest.mark.parametrize("text", ["0", "-1", "3651", "1.5", "ten", "٣"])
def test_it_refuses_a_maximum_lifetime_out_of_range(text):
    with pytest.raises(token_expiry.MaximumRange):
        token_expiry.parse_maximum(text)


def test_it_reads_an_empty_maximum_as_none_and_the_edges_as_days():
    assert token_expiry.parse_maximum(" ") is None
    assert token_expiry.parse_maximum("1") == 1
    assert token_expiry.parse_maximum("3650") == 3650


def test_it_tells_the_status_at_the_edges():
    assert token_expiry.status(False, None, NOW) == "active"
    assert token_expiry.status(False, NOW + timedelta(days=7, seconds=1), NOW) == "active"
    assert token_expiry.status(False, NOW + timedelta(days=7), NOW) == "expiring"
    assert token_expiry.status(False, NOW + timedelta(seconds=1), NOW) == "expiring"
    assert token_expiry.status(False, NOW, NOW) == "expired"
    assert token_expiry.status(True, NOW + timedelta(days=30), NOW) == "revoked"
