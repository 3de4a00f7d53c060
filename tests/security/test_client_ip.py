"""Tests for atom.security.core.client_ip: which address a request comes from."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from atom.security.core.client_ip import TrustedProxies, TrustedProxyError, resolve

NONE = TrustedProxies.parse("")
EDGE = TrustedProxies.parse("10.0.0.1")  # one load balancer
CHAIN = TrustedProxies.parse("10.0.0.0/24, 172.16.5.5, 2800:3f0:4001:800::/64")


# --------------------------------------------------------------------------
# TrustedProxies.parse
# --------------------------------------------------------------------------


def test_it_reads_an_empty_setting_as_no_trusted_proxy() -> None:
    assert TrustedProxies.parse("").networks == ()


def test_it_reads_a_blank_setting_as_no_trusted_proxy() -> None:
    assert TrustedProxies.parse("  ").networks == ()


def test_it_reads_addresses_and_ranges_with_spaces_around_commas() -> None:
    assert [str(n) for n in CHAIN.networks] == [
        "10.0.0.0/24",
        "172.16.5.5/32",
        "2800:3f0:4001:800::/64",
    ]


def test_it_allows_loopback_and_private_proxies() -> None:
    assert len(TrustedProxies.parse("127.0.0.1,::1,192.168.0.0/16,fd00::/64").networks) == 4


def test_it_stops_start_up_on_a_malformed_entry_and_names_it() -> None:
    with pytest.raises(TrustedProxyError) as info:
        TrustedProxies.parse("10.0.0.1, 10.0.0.300")
    error: TrustedProxyError = info.value
    assert isinstance(error, ValueError)
    assert "entry 2" in str(error) and "10.0.0.300" in str(error)
    assert error.error.code == "ipv4_octet_range"


def test_it_refuses_a_leading_zero_in_a_trusted_proxy() -> None:
    with pytest.raises(TrustedProxyError, match="010.0.0.1"):
        TrustedProxies.parse("010.0.0.1")


def test_it_refuses_an_empty_element_in_the_trusted_list() -> None:
    with pytest.raises(TrustedProxyError, match="entry 2"):
        TrustedProxies.parse("10.0.0.1,,10.0.0.2")


def test_it_refuses_a_range_with_host_bits_in_the_trusted_list() -> None:
    with pytest.raises(TrustedProxyError, match="did you mean 10.0.0.0/24"):
        TrustedProxies.parse("10.0.0.1/24")


def test_it_refuses_a_trusted_range_wider_than_slash_8() -> None:
    with pytest.raises(TrustedProxyError, match="between /8 and /32"):
        TrustedProxies.parse("0.0.0.0/0")


def test_it_refuses_two_proxies_separated_by_a_space_only() -> None:
    with pytest.raises(TrustedProxyError, match="spaces"):
        TrustedProxies.parse("10.0.0.1 10.0.0.2")


def test_it_checks_membership_with_ipv4_mapped_addresses() -> None:
    assert IPv6Address("::ffff:10.0.0.1") in EDGE


# --------------------------------------------------------------------------
# resolve: the socket peer
# --------------------------------------------------------------------------


def test_it_returns_the_peer_when_no_proxy_is_trusted() -> None:
    assert resolve("8.8.8.8", None, NONE) == IPv4Address("8.8.8.8")


def test_it_ignores_a_spoofed_header_from_an_untrusted_peer() -> None:
    assert resolve("8.8.8.8", "1.1.1.1", EDGE) == IPv4Address("8.8.8.8")


def test_it_ignores_a_header_when_no_proxy_is_trusted() -> None:
    assert resolve("10.0.0.1", "1.1.1.1", NONE) == IPv4Address("10.0.0.1")


def test_it_returns_none_for_an_unparseable_peer() -> None:
    assert resolve("not an address", "1.1.1.1", EDGE) is None


def test_it_returns_none_for_an_empty_peer() -> None:
    assert resolve("", None, NONE) is None


def test_it_returns_none_for_a_peer_with_leading_zeros() -> None:
    assert resolve("010.0.0.1", "1.1.1.1", EDGE) is None


def test_it_returns_none_for_a_peer_with_a_zone_id() -> None:
    assert resolve("fe80::1%eth0", None, NONE) is None


def test_it_returns_an_ipv6_peer() -> None:
    assert resolve("2800:3f0:4001:800::200e", None, NONE) == IPv6Address("2800:3f0:4001:800::200e")


def test_it_returns_an_ipv4_mapped_peer_as_ipv4() -> None:
    assert resolve("::ffff:8.8.8.8", None, NONE) == IPv4Address("8.8.8.8")


def test_it_trusts_an_ipv4_mapped_peer_as_its_ipv4_address() -> None:
    assert resolve("::ffff:10.0.0.1", "8.8.8.8", EDGE) == IPv4Address("8.8.8.8")


def test_it_returns_a_trusted_peer_that_sent_no_header() -> None:
    assert resolve("10.0.0.1", None, EDGE) == IPv4Address("10.0.0.1")


# --------------------------------------------------------------------------
# resolve: trusted chains
# --------------------------------------------------------------------------


def test_it_takes_the_client_from_a_chain_of_one_proxy() -> None:
    assert resolve("10.0.0.1", "8.8.8.8", EDGE) == IPv4Address("8.8.8.8")


def test_it_takes_the_client_from_a_chain_of_two_proxies() -> None:
    assert resolve("10.0.0.2", "8.8.8.8, 172.16.5.5", CHAIN) == IPv4Address("8.8.8.8")


def test_it_takes_the_client_from_a_chain_of_three_proxies() -> None:
    header = "8.8.8.8, 2800:3f0:4001:800::1, 172.16.5.5"
    assert resolve("10.0.0.9", header, CHAIN) == IPv4Address("8.8.8.8")


def test_it_takes_the_rightmost_untrusted_address_not_the_leftmost_cve_2024_29006() -> None:
    assert resolve("10.0.0.1", "1.1.1.1, 8.8.8.8", EDGE) == IPv4Address("8.8.8.8")


def test_it_reads_several_headers_joined_with_commas_as_one_list() -> None:
    joined = ",".join(["1.1.1.1, 8.8.8.8", "172.16.5.5"])
    assert resolve("10.0.0.1", joined, CHAIN) == IPv4Address("8.8.8.8")


def test_it_returns_the_leftmost_address_when_all_are_trusted() -> None:
    assert resolve("10.0.0.1", "10.0.0.7, 172.16.5.5", CHAIN) == IPv4Address("10.0.0.7")


def test_it_accepts_spaces_and_tabs_around_elements() -> None:
    assert resolve("10.0.0.1", " \t8.8.8.8\t ", EDGE) == IPv4Address("8.8.8.8")


def test_it_returns_ipv4_mapped_elements_as_ipv4() -> None:
    assert resolve("10.0.0.1", "::ffff:8.8.8.8", EDGE) == IPv4Address("8.8.8.8")


def test_it_skips_ipv4_mapped_trusted_elements() -> None:
    assert resolve("10.0.0.1", "8.8.8.8, ::ffff:172.16.5.5", CHAIN) == IPv4Address("8.8.8.8")


def test_it_returns_an_ipv6_client_behind_a_proxy() -> None:
    assert resolve("10.0.0.1", "2800:3f0:4001:800::200e", EDGE) == IPv6Address(
        "2800:3f0:4001:800::200e"
    )


def test_it_ignores_garbage_left_of_the_client() -> None:
    assert resolve("10.0.0.1", "garbage, unknown, , 8.8.8.8", EDGE) == IPv4Address("8.8.8.8")


# --------------------------------------------------------------------------
# resolve: malformed values reached during the walk never widen access
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "element",
    [
        pytest.param("garbage", id="garbage"),
        pytest.param("", id="empty-element"),
        pytest.param("unknown", id="rfc7239-unknown"),
        pytest.param("_hidden", id="rfc7239-obfuscated"),
        pytest.param("8.8.8.8:443", id="ipv4-port"),
        pytest.param("[2800:3f0::1]", id="ipv6-brackets"),
        pytest.param("[2800:3f0::1]:443", id="ipv6-brackets-port"),
        pytest.param("08.8.8.8", id="leading-zero"),
        pytest.param("010.8.8.8", id="octal"),
        pytest.param("8.8.8", id="short-form-three"),
        pytest.param("134744072", id="short-form-one"),
        pytest.param("0x8.8.8.8", id="hex"),
        pytest.param("8.8.8.8.", id="trailing-dot"),
        pytest.param("٨.٨.٨.٨", id="arabic-indic-digits"),
        pytest.param("2800:3f0::1%eth0", id="zone-id"),
        pytest.param("8.8.8.8 1.1.1.1", id="space-inside"),
        pytest.param("8.8.8.8\n", id="newline"),
        pytest.param("\xa08.8.8.8", id="non-breaking-space"),
        pytest.param("for=8.8.8.8", id="forwarded-syntax"),
    ],
)
def test_it_returns_none_when_the_walk_reaches_a_malformed_element(element: str) -> None:
    assert resolve("10.0.0.1", f"1.1.1.1, {element}", EDGE) is None


def test_it_returns_none_for_an_empty_header_from_a_trusted_proxy() -> None:
    assert resolve("10.0.0.1", "", EDGE) is None


def test_it_returns_none_when_a_malformed_element_sits_between_trusted_proxies() -> None:
    assert resolve("10.0.0.1", "8.8.8.8, unknown, 172.16.5.5", CHAIN) is None


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

public_v4 = st.integers(0, 2**32 - 1).map(lambda value: str(IPv4Address(value)))
any_remote = st.one_of(
    public_v4,
    st.integers(0, 2**128 - 1).map(lambda value: str(IPv6Address(value))),
    public_v4.map(lambda text: f"::ffff:{text}"),
)
header_elements = st.one_of(
    public_v4,
    st.sampled_from(["10.0.0.1", "10.0.0.77", "172.16.5.5", "::ffff:10.0.0.3", "unknown", ""]),
    st.text(alphabet="0123456789abcdef.:[]% ", max_size=20),
    st.text(max_size=10),
)
headers = st.one_of(
    st.text(),
    st.lists(header_elements, max_size=6).map(", ".join),
)


def canonical(text: str) -> IPv4Address | IPv6Address:
    address = ip_address(text)
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@given(any_remote, st.none() | headers)
def test_it_returns_exactly_an_untrusted_remote_whatever_the_header(
    remote: str, header: str | None
) -> None:
    assume(canonical(remote) not in CHAIN)
    assert resolve(remote, header, CHAIN) == canonical(remote)


@given(st.sampled_from(["10.0.0.1", "10.0.0.200", "::ffff:10.0.0.5", "172.16.5.5"]), headers)
def test_it_returns_none_or_an_address_from_the_header_for_a_trusted_remote(
    remote: str, header: str
) -> None:
    result = resolve(remote, header, CHAIN)
    if result is None:
        return
    candidates = {canonical(remote)}
    for element in header.split(","):
        try:
            candidates.add(canonical(element.strip(" \t")))
        except ValueError:
            pass
    assert result in candidates
