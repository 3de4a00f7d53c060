"""Tests for atom.security.core.allowlist: strict parsing, public-only rule, matching."""

from __future__ import annotations

import inspect
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_network,
)

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atom.security.core import allowlist_errors, messages
from atom.security.core.allowlist import (
    Entry,
    format_lines,
    parse_entry,
    parse_lines,
    parse_network,
)
from atom.security.core.allowlist_errors import AllowlistError, EntryError
from atom.security.core.matcher import Matcher, Network
from atom.security.core.public_ranges import NON_PUBLIC_NETWORKS


def error_of(text: str, *, allow_private: bool = False) -> EntryError:
    with pytest.raises(EntryError) as info:
        parse_entry(text, allow_private=allow_private)
    return info.value


# --------------------------------------------------------------------------
# The parser table: every accepted spelling and every way of being wrong
# --------------------------------------------------------------------------

ERROR_CLASSES: list[type[AllowlistError]] = [
    cls
    for _, cls in inspect.getmembers(allowlist_errors, inspect.isclass)
    if issubclass(cls, AllowlistError) and "code" in vars(cls)
]
ERROR_CODES = {cls.code for cls in ERROR_CLASSES}

TABLE = [
    # accepted, with the canonical text
    pytest.param("8.8.8.8", "8.8.8.8", id="ipv4-address"),
    pytest.param("1.1.1.1", "1.1.1.1", id="ipv4-another-address"),
    pytest.param("  200.1.2.3  ", "200.1.2.3", id="ipv4-surrounding-space-trimmed"),
    pytest.param("\t200.1.2.3\t", "200.1.2.3", id="ipv4-surrounding-tabs-trimmed"),
    pytest.param("200.1.2.0/24", "200.1.2.0/24", id="ipv4-range"),
    pytest.param("8.0.0.0/8", "8.0.0.0/8", id="ipv4-shortest-prefix"),
    pytest.param("8.8.8.8/32", "8.8.8.8", id="ipv4-slash-32-is-an-address"),
    pytest.param("1.0.0.0", "1.0.0.0", id="ipv4-single-zero-octets"),
    pytest.param("223.255.255.255", "223.255.255.255", id="ipv4-highest-unicast"),
    pytest.param("2800:3f0:4001:800::200e", "2800:3f0:4001:800::200e", id="ipv6-address"),
    pytest.param("2800:3F0:4001:800::200E", "2800:3f0:4001:800::200e", id="ipv6-uppercase"),
    pytest.param(
        "2800:03f0:4001:0800:0000:0000:0000:200e",
        "2800:3f0:4001:800::200e",
        id="ipv6-uncompressed",
    ),
    pytest.param("2800:3f0::/32", "2800:3f0::/32", id="ipv6-shortest-prefix"),
    pytest.param("2800:3f0:4001::/48", "2800:3f0:4001::/48", id="ipv6-range"),
    pytest.param("2800:3f0:4001:800::200e/128", "2800:3f0:4001:800::200e", id="ipv6-slash-128"),
    pytest.param("200.1.2.3 Office Bogotá", "200.1.2.3", id="with-label"),
    # IPv4 as the help page describes it, and everything inet_aton adds
    pytest.param("01.2.3.4", "ipv4_leading_zero", id="leading-zero"),
    pytest.param("8.8.8.08", "ipv4_leading_zero", id="leading-zero-last-octet"),
    pytest.param("8.8.8.00", "ipv4_leading_zero", id="double-zero"),
    pytest.param("010.8.8.8", "ipv4_octal", id="octal-looking"),
    pytest.param("+1.2.3.4", "ipv4_sign", id="plus-sign"),
    pytest.param("-1.2.3.4", "ipv4_sign", id="minus-sign"),
    pytest.param("8.8.-8.8", "ipv4_sign", id="sign-inside"),
    pytest.param("1.2. 3.4", "space_inside", id="space-after-dot"),
    pytest.param("1.2 .3.4", "space_inside", id="space-before-dot"),
    pytest.param("8.8.8.0 /24", "space_inside", id="space-before-slash"),
    pytest.param("0x08.8.8.8", "ipv4_hex", id="hex-octet"),
    pytest.param("0X08080808", "ipv4_hex", id="hex-number"),
    pytest.param("1.2.3", "ipv4_short_form", id="three-numbers"),
    pytest.param("1.2", "ipv4_short_form", id="two-numbers"),
    pytest.param("16909060", "ipv4_short_form", id="one-number"),
    pytest.param("١.٢.٣.٤", "non_ascii_digit", id="arabic-indic-digits"),
    pytest.param("８.８.８.８", "non_ascii_digit", id="fullwidth-digits"),
    pytest.param("8.8.8.٨", "non_ascii_digit", id="one-arabic-indic-digit"),
    pytest.param("8．8．8．8", "unexpected_character", id="fullwidth-dots"),
    pytest.param("8.8.8.8\x00", "unexpected_character", id="nul-character"),
    pytest.param("8.8.8.8.", "ipv4_trailing_dot", id="trailing-dot"),
    pytest.param("8.8.8.8:80", "port", id="ipv4-port"),
    pytest.param("256.1.1.1", "ipv4_octet_range", id="octet-256"),
    pytest.param("8.8.8.999", "ipv4_octet_range", id="octet-999"),
    pytest.param("8..8.8", "ipv4_empty_octet", id="empty-octet"),
    pytest.param(".8.8.8.8", "ipv4_empty_octet", id="leading-dot"),
    pytest.param("8.8.8.8.8", "ipv4_too_many_octets", id="five-numbers"),
    pytest.param("dns.google", "ipv4_character", id="host-name"),
    pytest.param("8.8.8.8-8.8.8.9", "ipv4_character", id="dash-range"),
    # prefixes
    pytest.param("8.8.8.0/", "prefix_syntax", id="slash-without-prefix"),
    pytest.param("8.8.8.0/2a", "prefix_syntax", id="prefix-not-a-number"),
    pytest.param("8.8.8.0/24/24", "prefix_syntax", id="two-slashes"),
    pytest.param("8.8.8.0/+24", "prefix_syntax", id="prefix-with-sign"),
    pytest.param("8.8.8.0/024", "prefix_leading_zero", id="prefix-leading-zero"),
    pytest.param("/24", "missing_address", id="prefix-without-address"),
    pytest.param("8.0.0.0/7", "prefix_range", id="ipv4-prefix-too-short"),
    pytest.param("0.0.0.0/0", "prefix_range", id="ipv4-everything"),
    pytest.param("8.8.8.8/33", "prefix_range", id="ipv4-prefix-too-long"),
    pytest.param("2800::/31", "prefix_range", id="ipv6-prefix-too-short"),
    pytest.param("2800:3f0::/129", "prefix_range", id="ipv6-prefix-too-long"),
    pytest.param("8.8.8.8/24", "host_bits", id="ipv4-host-bits"),
    pytest.param("2800:3f0::1/64", "host_bits", id="ipv6-host-bits"),
    # IPv6 forms we do not take
    pytest.param("fe80::1%eth0", "ipv6_zone_id", id="zone-id"),
    pytest.param("[2800:3f0::1]", "brackets", id="brackets"),
    pytest.param("[2800:3f0::1]:443", "port", id="brackets-and-port"),
    pytest.param("2800:3f0:::1", "ipv6_syntax", id="triple-colon"),
    pytest.param("2800::3f0::1", "ipv6_syntax", id="two-double-colons"),
    pytest.param("2800:3f0g::1", "ipv6_syntax", id="non-hex-digit"),
    pytest.param("2800:3f0:4001:800:0:0:0:0:1", "ipv6_syntax", id="nine-groups"),
    pytest.param("28000::1", "ipv6_syntax", id="five-digit-group"),
    pytest.param("::ffff:08.8.8.8", "ipv6_syntax", id="embedded-ipv4-leading-zero"),
    pytest.param("::ffff:8.8.8.8", "ipv4_mapped", id="ipv4-mapped"),
    pytest.param("::ffff:8.8.8.0/120", "ipv4_mapped", id="ipv4-mapped-range"),
    # public addresses only
    pytest.param("10.1.2.3", "not_public", id="private-10"),
    pytest.param("172.16.0.1", "not_public", id="private-172"),
    pytest.param("192.168.1.1", "not_public", id="private-192-168"),
    pytest.param("127.0.0.1", "not_public", id="loopback"),
    pytest.param("169.254.169.254", "not_public", id="link-local-metadata"),
    pytest.param("100.64.0.1", "not_public", id="shared-address-space"),
    pytest.param("224.0.0.1", "not_public", id="multicast"),
    pytest.param("203.0.113.7", "not_public", id="documentation"),
    pytest.param("0.0.0.0", "not_public", id="this-network"),  # noqa: S104 (not a bind)
    pytest.param("255.255.255.255", "not_public", id="broadcast"),
    pytest.param("10.0.0.0/8", "not_public", id="private-range"),
    pytest.param("8.0.0.0/4", "prefix_range", id="prefix-rule-before-public-rule"),
    pytest.param("192.0.0.0/8", "includes_not_public", id="range-includes-private"),
    pytest.param("::1", "not_public", id="ipv6-loopback"),
    pytest.param("fd00::1", "not_public", id="ipv6-unique-local"),
    pytest.param("fe80::1", "not_public", id="ipv6-link-local"),
    pytest.param("2001:db8::1", "not_public", id="ipv6-documentation"),
    # labels
    pytest.param("8.8.8.8 " + "x" * 101, "label_too_long", id="label-too-long"),
    pytest.param("8.8.8.8 Office\x07", "label_control_character", id="label-bell"),
    pytest.param("8.8.8.8 1.1.1.1", "label_is_address", id="two-addresses-on-a-line"),
    pytest.param("", "empty", id="empty"),
    pytest.param("   ", "empty", id="only-spaces"),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_it_parses_each_table_row_as_expected(text: str, expected: str) -> None:
    if expected in ERROR_CODES:
        assert error_of(text).code == expected
    else:
        assert parse_entry(text).text == expected


def test_it_has_at_least_fifty_rows_in_the_table() -> None:
    assert len(TABLE) >= 50


# --------------------------------------------------------------------------
# Accepted entries
# --------------------------------------------------------------------------


def test_it_returns_the_network_and_label_of_an_entry() -> None:
    entry = parse_entry("200.1.2.0/24   Office Bogotá  ")
    assert entry == Entry(IPv4Network("200.1.2.0/24"), "Office Bogotá")


def test_it_keeps_spaces_inside_the_label() -> None:
    assert parse_entry("8.8.8.8 Main  office").label == "Main  office"


def test_it_accepts_a_label_of_exactly_one_hundred_characters() -> None:
    assert parse_entry("8.8.8.8 " + "é" * 100).label == "é" * 100


def test_it_shows_a_slash_32_range_as_the_plain_address() -> None:
    assert parse_entry("1.1.1.1/32").text == "1.1.1.1"


def test_it_shows_ipv6_compressed_and_lowercase() -> None:
    assert parse_entry("2800:03F0:4001:0800:0::/64").text == "2800:3f0:4001:800::/64"


def test_it_accepts_a_single_zero_octet() -> None:
    assert parse_entry("8.0.8.0").text == "8.0.8.0"


def test_it_accepts_a_label_that_starts_with_a_digit() -> None:
    assert parse_entry("2800:3f0:: 1st floor").label == "1st floor"


# --------------------------------------------------------------------------
# Refused IPv4 spellings, one test each
# --------------------------------------------------------------------------


def test_it_refuses_leading_zeros_and_says_how_to_write_the_number() -> None:
    error = error_of("01.2.3.4")
    assert error.code == "ipv4_leading_zero"
    assert str(error) == "01.2.3.4: remove the leading zero from 01; write it as 1."


def test_it_refuses_a_leading_zero_that_octal_would_change_cve_2021_29921() -> None:
    error = error_of("010.8.8.8")
    assert error.code == "ipv4_octal"
    assert "octal number 8" in str(error) and "as 10" in str(error)


def test_it_refuses_a_leading_zero_that_is_not_octal_as_a_leading_zero() -> None:
    assert error_of("8.8.8.09").code == "ipv4_leading_zero"


def test_it_refuses_a_plus_sign() -> None:
    assert error_of("+8.8.8.8").code == "ipv4_sign"


def test_it_refuses_a_minus_sign() -> None:
    assert error_of("8.-8.8.8").code == "ipv4_sign"


def test_it_refuses_spaces_inside_the_address() -> None:
    error = error_of("8.8. 8.8")
    assert error.code == "space_inside"
    assert str(error).startswith("8.8. 8.8: remove the spaces")


def test_it_refuses_spaces_inside_when_parsing_a_network_alone() -> None:
    with pytest.raises(allowlist_errors.SpaceInside):
        parse_network("8.8.8.8 Office")


def test_it_refuses_hexadecimal_numbers() -> None:
    assert error_of("0x8.8.8.8").code == "ipv4_hex"


def test_it_refuses_the_short_form_with_three_numbers() -> None:
    assert error_of("8.8.8").code == "ipv4_short_form"


def test_it_refuses_the_short_form_with_two_numbers() -> None:
    assert error_of("8.8").code == "ipv4_short_form"


def test_it_refuses_the_short_form_with_one_number() -> None:
    assert error_of("134744072").code == "ipv4_short_form"


def test_it_refuses_arabic_indic_digits_and_names_the_character() -> None:
    error = error_of("٨.٨.٨.٨")
    assert error.code == "non_ascii_digit"
    assert "U+0668" in str(error)


def test_it_refuses_fullwidth_digits() -> None:
    assert error_of("８.８.８.８").code == "non_ascii_digit"


def test_it_refuses_superscript_digits() -> None:
    assert error_of("8.8.8.8²").code == "non_ascii_digit"


def test_it_refuses_look_alike_dots() -> None:
    assert error_of("8。8。8。8").code == "unexpected_character"


def test_it_refuses_a_trailing_dot() -> None:
    assert str(error_of("8.8.8.8.")) == "8.8.8.8.: remove the dot at the end."


def test_it_refuses_a_port() -> None:
    assert error_of("8.8.8.8:443").code == "port"


def test_it_refuses_an_octet_above_255_with_the_help_page_wording() -> None:
    assert str(error_of("256.1.1.1")) == "256.1.1.1: each of the four numbers must be 0-255."


def test_it_refuses_an_octet_with_thousands_of_digits_without_crashing() -> None:
    assert error_of("9" * 5000 + ".8.8.8").code == "ipv4_octet_range"


def test_it_refuses_an_empty_octet() -> None:
    assert error_of("8.8..8").code == "ipv4_empty_octet"


def test_it_refuses_too_many_octets() -> None:
    assert error_of("8.8.8.8.8").code == "ipv4_too_many_octets"


def test_it_refuses_a_host_name() -> None:
    assert error_of("dns.google").code == "ipv4_character"


# --------------------------------------------------------------------------
# Prefixes
# --------------------------------------------------------------------------


def test_it_refuses_an_ipv4_prefix_below_8_naming_the_allowed_range() -> None:
    assert str(error_of("8.0.0.0/7")) == (
        "8.0.0.0/7: the prefix length of an IPv4 range must be between /8 and /32."
    )


def test_it_refuses_an_ipv6_prefix_below_32_naming_the_allowed_range() -> None:
    assert str(error_of("2800::/24")) == (
        "2800::/24: the prefix length of an IPv6 range must be between /32 and /128."
    )


def test_it_refuses_a_prefix_with_leading_zeros() -> None:
    error = error_of("200.1.2.0/024")
    assert error.code == "prefix_leading_zero"
    assert "/24" in str(error)


def test_it_refuses_a_prefix_that_is_not_a_number() -> None:
    assert error_of("200.1.2.0/twenty").code == "prefix_syntax"


def test_it_refuses_a_huge_prefix_without_crashing() -> None:
    assert error_of("200.1.2.0/" + "9" * 5000).code == "prefix_range"


def test_it_refuses_host_bits_and_suggests_the_network() -> None:
    assert str(error_of("200.1.2.7/24")) == (
        "200.1.2.7/24 has host bits set; did you mean 200.1.2.0/24?"
    )


def test_it_refuses_ipv6_host_bits_and_suggests_the_network() -> None:
    assert error_of("2800:3f0:4001:800::200e/64").params["network"] == "2800:3f0:4001:800::/64"


# --------------------------------------------------------------------------
# IPv6 forms
# --------------------------------------------------------------------------


def test_it_refuses_a_zone_id() -> None:
    error = error_of("2800:3f0::1%eth0")
    assert error.code == "ipv6_zone_id"
    assert "%eth0" in str(error)


def test_it_refuses_brackets() -> None:
    assert error_of("[2800:3f0::1]").code == "brackets"


def test_it_refuses_brackets_with_a_port_as_a_port() -> None:
    assert error_of("[2800:3f0::1]:8080").code == "port"


def test_it_refuses_an_ipv4_mapped_address_and_gives_the_ipv4_form() -> None:
    assert str(error_of("::ffff:8.8.8.8")) == (
        "::ffff:8.8.8.8 is an IPv4 address written in IPv6 form; enter 8.8.8.8 instead."
    )


def test_it_refuses_an_ipv4_mapped_range_and_gives_the_ipv4_range() -> None:
    assert error_of("::ffff:808:800/120").params["ipv4"] == "8.8.8.0/24"


def test_it_refuses_ipv4_mapped_entries_even_when_private_addresses_are_allowed() -> None:
    assert error_of("::ffff:10.0.0.1", allow_private=True).code == "ipv4_mapped"


def test_it_refuses_a_malformed_ipv6_address_with_an_example() -> None:
    error = error_of("2800:3f0:::1")
    assert error.code == "ipv6_syntax"
    assert "2800:3f0:4001:800::200e" in str(error)


# --------------------------------------------------------------------------
# Public addresses only
# --------------------------------------------------------------------------


def test_it_names_the_private_range_an_address_is_in() -> None:
    assert str(error_of("10.1.2.3")) == (
        "10.1.2.3 is in 10.0.0.0/8 (private network); only public addresses can be allowed."
    )


def test_it_names_the_most_specific_special_range() -> None:
    assert error_of("255.255.255.255").params["range"] == "255.255.255.255/32"


def test_it_refuses_a_range_that_includes_a_special_range() -> None:
    error = error_of("100.0.0.0/8")
    assert error.code == "includes_not_public"
    assert error.params["range"] == "100.64.0.0/10"


def test_it_refuses_ipv6_outside_global_unicast() -> None:
    assert error_of("4000::1").params["range"] == "4000::/3"


def test_it_refuses_the_nat64_prefix() -> None:
    assert error_of("64:ff9b::808:808").params["range"] == "64:ff9b::/96"


@pytest.mark.parametrize(
    "text",
    [
        "100.64.0.1",  # is_private is False on 3.11, True on 3.12.4+
        "192.0.0.9",  # is_private is True on 3.11, False on 3.12.4+
        "2001:1::1",  # is_private is True on 3.11, False on 3.12.4+
        "2001:20::1",
        "2001:4:112::1",
        "192.88.99.1",
    ],
)
def test_it_refuses_addresses_whose_is_private_changed_between_python_versions(
    text: str,
) -> None:
    assert error_of(text).code == "not_public"


@pytest.mark.parametrize(
    ("network", "name"),
    NON_PUBLIC_NETWORKS,
    ids=[str(network) for network, _ in NON_PUBLIC_NETWORKS],
)
def test_it_refuses_every_address_of_the_special_purpose_table(network: Network, name: str) -> None:
    for address in (network.network_address, network.broadcast_address):
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            continue  # refused as ipv4_mapped first
        assert error_of(str(address)).code == "not_public"


def test_it_allows_private_addresses_when_the_operator_says_so() -> None:
    assert parse_entry("10.1.2.3", allow_private=True).text == "10.1.2.3"


def test_it_allows_a_range_including_a_private_one_when_the_operator_says_so() -> None:
    assert parse_entry("10.0.0.0/8", allow_private=True).text == "10.0.0.0/8"


def test_it_still_applies_the_prefix_rule_when_private_addresses_are_allowed() -> None:
    assert error_of("0.0.0.0/0", allow_private=True).code == "prefix_range"


def test_it_accepts_public_neighbours_of_special_ranges() -> None:
    for text in ("9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "223.255.255.255"):
        assert parse_entry(text).text == text


# --------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------


def test_it_refuses_a_label_over_one_hundred_characters() -> None:
    assert str(error_of("8.8.8.8 " + "x" * 101)) == (
        "The label after 8.8.8.8 has 101 characters; shorten it to at most 100."
    )


def test_it_refuses_a_control_character_in_the_label() -> None:
    error = error_of("8.8.8.8 Office\x1bBogotá")
    assert error.code == "label_control_character"
    assert "U+001B" in str(error)


def test_it_refuses_a_tab_inside_the_label() -> None:
    assert error_of("8.8.8.8 Office\tBogotá").code == "label_control_character"


def test_it_refuses_a_bidi_override_in_the_label() -> None:
    assert error_of("8.8.8.8 Office \u202eatogoB").code == "label_control_character"


def test_it_refuses_a_line_separator_in_the_label() -> None:
    assert error_of("8.8.8.8 Office\u2028Bogotá").code == "label_control_character"


def test_it_refuses_a_lone_surrogate_in_the_label() -> None:
    assert error_of("8.8.8.8 Office\ud800").code == "label_control_character"


def test_it_refuses_a_second_address_on_the_same_line() -> None:
    error = error_of("8.8.8.8 8.8.4.4")
    assert error.code == "label_is_address"
    assert "put each address on its own line" in str(error)


def test_it_refuses_a_second_range_with_a_wrong_prefix_on_the_same_line() -> None:
    assert error_of("8.8.8.8 8.8.4.0/40").code == "label_is_address"


def test_it_reports_the_address_before_the_label() -> None:
    assert error_of("10.0.0.1 " + "x" * 101).code == "not_public"


# --------------------------------------------------------------------------
# Errors as a protocol the Django layer can translate
# --------------------------------------------------------------------------


def test_it_gives_every_error_a_unique_code() -> None:
    codes = [cls.code for cls in ERROR_CLASSES]
    assert len(codes) == len(set(codes)) >= 25


def test_it_renders_str_as_template_with_params() -> None:
    error = error_of("256.1.1.1")
    assert str(error) == error.template % error.params
    assert error.params == {"entry": "256.1.1.1"}


def test_it_makes_every_error_a_value_error() -> None:
    assert all(issubclass(cls, ValueError) for cls in ERROR_CLASSES)


def test_it_never_says_only_invalid_input() -> None:
    for cls in ERROR_CLASSES:
        assert "invalid input" not in cls.template.lower()


def test_it_marks_messages_for_translation_without_django() -> None:
    assert messages.gettext_noop("text") == "text"


# --------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------


def test_it_parses_a_list_in_input_order_ignoring_empty_lines() -> None:
    parsed = parse_lines("8.8.8.8 DNS\n\n   \n1.1.1.1\r\n200.1.2.0/24 Office\r")
    assert [entry.text for entry in parsed.entries] == ["8.8.8.8", "1.1.1.1", "200.1.2.0/24"]
    assert parsed.errors == () and parsed.notices == ()


def test_it_ties_each_error_to_its_line_and_text() -> None:
    parsed = parse_lines("8.8.8.8\n\n  01.2.3.4 Office \n10.0.0.1")
    assert [(e.line, e.text, e.error.code) for e in parsed.errors] == [
        (3, "01.2.3.4 Office", "ipv4_leading_zero"),
        (4, "10.0.0.1", "not_public"),
    ]
    assert [entry.text for entry in parsed.entries] == ["8.8.8.8"]


def test_it_drops_a_duplicate_with_a_notice_naming_the_first_line() -> None:
    parsed = parse_lines("8.8.8.8 DNS\n1.1.1.1\n8.8.8.8/32 again")
    assert [entry.text for entry in parsed.entries] == ["8.8.8.8", "1.1.1.1"]
    (notice,) = parsed.notices
    assert notice.line == 3 and notice.code == "duplicate"
    assert str(notice) == "8.8.8.8 is already in the list; the repeated entry was dropped."


def test_it_treats_differently_written_ipv6_as_duplicates() -> None:
    parsed = parse_lines("2800:3f0::1\n2800:03F0:0:0::0001")
    assert len(parsed.entries) == 1 and len(parsed.notices) == 1


def test_it_refuses_more_than_one_thousand_entries() -> None:
    text = "\n".join(f"8.8.{i // 256}.{i % 256}" for i in range(1001))
    parsed = parse_lines(text)
    (error,) = parsed.errors
    assert error.line == 1001 and error.error.code == "too_many_entries"
    assert "at most 1,000 entries" in str(error.error)
    assert len(parsed.entries) == 1000


def test_it_stops_reading_a_list_past_the_entry_limit() -> None:
    text = "\n".join(f"8.8.{i // 256}.{i % 256}" for i in range(1001)) + "\nnonsense\n" * 5000
    parsed = parse_lines(text)
    # The lines after the one too many are not even parsed: one error, not 5,001.
    assert [error.error.code for error in parsed.errors] == ["too_many_entries"]


def test_it_stops_reading_a_paste_of_junk_after_as_many_errors_as_entries_allowed() -> None:
    parsed = parse_lines("not an address\n" * 100_000)
    assert len(parsed.errors) == 1000
    assert parsed.errors[-1].line == 1000 and parsed.entries == ()


def test_it_accepts_exactly_max_entries() -> None:
    parsed = parse_lines("8.8.8.8\n1.1.1.1", max_entries=2)
    assert parsed.errors == ()


def test_it_does_not_count_duplicates_towards_the_limit() -> None:
    parsed = parse_lines("8.8.8.8\n8.8.8.8\n1.1.1.1", max_entries=2)
    assert parsed.errors == () and len(parsed.notices) == 1


def test_it_formats_entries_one_per_line_with_labels() -> None:
    entries = [parse_entry("8.8.8.8 DNS"), parse_entry("200.1.2.0/24")]
    assert format_lines(entries) == "8.8.8.8 DNS\n200.1.2.0/24\n"


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def matcher_of(*texts: str) -> Matcher:
    return Matcher(ip_network(text) for text in texts)


def test_it_matches_an_address_inside_a_range() -> None:
    assert matcher_of("200.1.2.0/24").allows(IPv4Address("200.1.2.255"))


def test_it_does_not_match_the_address_after_a_range() -> None:
    assert not matcher_of("200.1.2.0/24").allows(IPv4Address("200.1.3.0"))


def test_it_does_not_match_the_address_before_a_range() -> None:
    assert not matcher_of("200.1.2.0/24").allows(IPv4Address("200.1.1.255"))


def test_it_allows_nothing_when_empty_and_says_it_is_empty() -> None:
    matcher = Matcher([])
    assert matcher.is_empty
    assert not matcher.allows(IPv4Address("8.8.8.8"))


def test_it_is_not_empty_with_one_network() -> None:
    assert not matcher_of("2800:3f0::/32").is_empty


def test_it_keeps_ipv4_and_ipv6_apart() -> None:
    matcher = matcher_of("0.0.0.0/8")
    assert not matcher.allows(IPv6Address("::1"))


def test_it_matches_an_ipv4_mapped_address_against_ipv4_entries() -> None:
    assert matcher_of("8.8.8.0/24").allows(IPv6Address("::ffff:8.8.8.8"))


def test_it_matches_ipv4_addresses_against_an_ipv4_mapped_range() -> None:
    assert matcher_of("::ffff:8.8.8.0/120").allows(IPv4Address("8.8.8.8"))


def test_it_merges_adjacent_and_overlapping_ranges() -> None:
    matcher = matcher_of("8.8.8.0/25", "8.8.8.128/25", "8.8.8.7", "8.8.0.0/16")
    assert matcher.allows(IPv4Address("8.8.255.255"))
    assert not matcher.allows(IPv4Address("8.9.0.0"))


def test_it_does_not_merge_ranges_separated_by_one_address() -> None:
    matcher = matcher_of("8.8.8.0/31", "8.8.8.3")
    assert not matcher.allows(IPv4Address("8.8.8.2"))
    assert matcher.allows(IPv4Address("8.8.8.1")) and matcher.allows(IPv4Address("8.8.8.3"))


def test_it_matches_the_ipv6_range_bounds() -> None:
    matcher = matcher_of("2800:3f0::/32")
    assert matcher.allows(IPv6Address("2800:3f0:ffff:ffff:ffff:ffff:ffff:ffff"))
    assert not matcher.allows(IPv6Address("2800:3f1::"))


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

ADDRESS_ALPHABET = "0123456789abcdefABCDEFx.:/[]%+- \t٣８"
near_addresses = st.text(alphabet=ADDRESS_ALPHABET, max_size=45)
octets = st.integers(0, 260).map(str) | st.sampled_from(["00", "01", "010", "0x1", "+1", ""])
dotted = st.one_of(
    st.lists(octets, min_size=4, max_size=4),
    st.lists(octets, min_size=1, max_size=6),
).map(".".join)
entries_text = st.one_of(
    st.text(),
    near_addresses,
    dotted,
    st.tuples(dotted, st.sampled_from(["", "/8", "/24", "/32", "/33"])).map("".join),
    st.integers(0, 2**128 - 1).map(lambda value: IPv6Address(value).exploded.upper()),
    st.tuples(st.integers(0, 2**128 - 1), st.integers(0, 128)).map(
        lambda pair: f"{IPv6Address(pair[0])}/{pair[1]}"
    ),
    st.tuples(dotted, st.text(max_size=120)).map(" ".join),
)


@given(entries_text, st.booleans())
def test_it_either_refuses_clearly_or_round_trips_any_string(text: str, private: bool) -> None:
    try:
        entry = parse_entry(text, allow_private=private)
    except EntryError as error:
        message = str(error)
        assert message
        if error.code == "empty":
            assert not text.strip()
        else:
            entry_text = error.params["entry"]
            assert isinstance(entry_text, str) and entry_text
            assert entry_text in text.strip() and entry_text in message
        return
    again = parse_entry(f"{entry.text} {entry.label}", allow_private=private)
    assert again == entry
    assert parse_entry(entry.text, allow_private=private).text == entry.text


@given(st.text())
def test_it_never_raises_from_parse_lines(text: str) -> None:
    parsed = parse_lines(text, max_entries=3)
    assert len(parsed.entries) <= 3


def ipv4_networks() -> st.SearchStrategy[Network]:
    return st.builds(
        lambda value, prefix: IPv4Network((value, prefix), strict=False),
        st.integers(0, 2**32 - 1),
        st.integers(0, 32),
    )


def ipv6_networks() -> st.SearchStrategy[Network]:
    return st.builds(
        lambda value, prefix: IPv6Network((value, prefix), strict=False),
        st.integers(0, 2**128 - 1),
        st.integers(0, 128),
    )


def mapped_networks() -> st.SearchStrategy[Network]:
    return st.builds(
        lambda value, prefix: IPv6Network(((0xFFFF << 32) | value, prefix), strict=False),
        st.integers(0, 2**32 - 1),
        st.integers(80, 128),
    )


networks = st.lists(st.one_of(ipv4_networks(), ipv6_networks(), mapped_networks()), max_size=12)


@st.composite
def addresses_near(draw: st.DrawFn, nets: list[Network]) -> IPv4Address | IPv6Address:
    choice = draw(st.integers(0, 4))
    if choice == 0 or not nets:
        return IPv4Address(draw(st.integers(0, 2**32 - 1)))
    if choice == 1:
        return IPv6Address(draw(st.integers(0, 2**128 - 1)))
    network = draw(st.sampled_from(nets))
    edge = draw(
        st.sampled_from(
            [
                int(network.network_address) - 1,
                int(network.network_address),
                int(network.broadcast_address),
                int(network.broadcast_address) + 1,
            ]
        )
    )
    edge %= 2**network.max_prefixlen
    address: IPv4Address | IPv6Address = (
        IPv4Address(edge) if network.version == 4 else IPv6Address(edge)
    )
    if choice == 3 and isinstance(address, IPv4Address):  # the other spelling
        return IPv6Address((0xFFFF << 32) | int(address))
    if choice == 4 and isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def naive_allows(nets: list[Network], address: IPv4Address | IPv6Address) -> bool:
    """An address matches when it or its other spelling is in a network."""
    forms: list[IPv4Address | IPv6Address] = [address]
    if isinstance(address, IPv4Address):
        forms.append(IPv6Address((0xFFFF << 32) | int(address)))
    elif address.ipv4_mapped is not None:
        forms.append(address.ipv4_mapped)
    return any(form in network for form in forms for network in nets)


@given(st.data(), networks)
def test_it_matches_exactly_like_a_linear_scan(data: st.DataObject, nets: list[Network]) -> None:
    matcher = Matcher(nets)
    for _ in range(10):
        address = data.draw(addresses_near(nets))
        assert matcher.allows(address) == naive_allows(nets, address)


def is_entry_network(network: Network) -> bool:
    if isinstance(network, IPv4Network):
        return network.prefixlen >= 8
    return network.prefixlen >= 32 and network.network_address.ipv4_mapped is None


def is_accepted_label(label: str) -> bool:
    try:
        return parse_entry(f"8.8.8.8 {label}").label == label
    except EntryError:
        return False


labels = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=100)
any_entries = st.builds(
    Entry,
    st.one_of(ipv4_networks(), ipv6_networks()).filter(is_entry_network),
    labels.map(str.strip).filter(is_accepted_label),
)


@given(st.lists(any_entries, max_size=20, unique_by=lambda entry: entry.network))
def test_it_reads_formatted_lines_back_to_the_same_entries(entries: list[Entry]) -> None:
    parsed = parse_lines(format_lines(entries), allow_private=True)
    assert parsed.errors == () and parsed.notices == ()
    assert list(parsed.entries) == entries
