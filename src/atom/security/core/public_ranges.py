"""The special-purpose address ranges a company may not allow (public addresses only)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network

from atom.security.core.allowlist_errors import IncludesNotPublic, NotPublic
from atom.security.core.matcher import Network
from atom.security.core.messages import gettext_noop

# One explicit table instead of ipaddress.is_private/is_global: their
# definitions changed between Python 3.11 and 3.12 (gh-113171), and this list
# must behave the same on every interpreter. Sources: the IANA IPv4 and IPv6
# Special-Purpose Address Registries (RFC 6890 and updates) and the IANA IPv6
# Address Space registry (everything outside 2000::/3 is unassigned). Blocks
# whose registry entry says "globally reachable" but which no client ever
# sends from (anycast service addresses in 192.0.0.0/24 and 2001::/23) are
# refused as a whole. The most specific matching row names the refusal.
NON_PUBLIC_NETWORKS: tuple[tuple[Network, str], ...] = tuple(
    (IPv4Network(network) if "." in network else IPv6Network(network), name)
    for network, name in (
        ("0.0.0.0/8", gettext_noop("this network")),  # RFC 791, 1122
        ("10.0.0.0/8", gettext_noop("private network")),  # RFC 1918
        ("100.64.0.0/10", gettext_noop("shared address space")),  # RFC 6598, CGNAT
        ("127.0.0.0/8", gettext_noop("loopback")),  # RFC 1122
        ("169.254.0.0/16", gettext_noop("link-local")),  # RFC 3927
        ("172.16.0.0/12", gettext_noop("private network")),  # RFC 1918
        ("192.0.0.0/24", gettext_noop("IETF protocol assignments")),  # RFC 6890
        ("192.0.2.0/24", gettext_noop("documentation")),  # RFC 5737
        ("192.88.99.0/24", gettext_noop("6to4 relay anycast")),  # RFC 7526
        ("192.168.0.0/16", gettext_noop("private network")),  # RFC 1918
        ("198.18.0.0/15", gettext_noop("benchmarking")),  # RFC 2544
        ("198.51.100.0/24", gettext_noop("documentation")),  # RFC 5737
        ("203.0.113.0/24", gettext_noop("documentation")),  # RFC 5737
        ("224.0.0.0/4", gettext_noop("multicast")),  # RFC 5771
        ("240.0.0.0/4", gettext_noop("reserved")),  # RFC 1112
        ("255.255.255.255/32", gettext_noop("limited broadcast")),  # RFC 919
        ("::/8", gettext_noop("reserved by the IETF")),
        ("::/128", gettext_noop("unspecified address")),  # RFC 4291
        ("::1/128", gettext_noop("loopback")),  # RFC 4291
        ("::/96", gettext_noop("IPv4-compatible, deprecated")),  # RFC 4291 2.5.5.1
        ("::ffff:0:0/96", gettext_noop("IPv4-mapped")),  # RFC 4291
        ("64:ff9b::/96", gettext_noop("IPv4/IPv6 translation")),  # RFC 6052
        ("64:ff9b:1::/48", gettext_noop("local IPv4/IPv6 translation")),  # RFC 8215
        ("100::/8", gettext_noop("reserved by the IETF")),
        ("100::/64", gettext_noop("discard-only")),  # RFC 6666
        ("200::/7", gettext_noop("reserved by the IETF")),
        ("400::/6", gettext_noop("reserved by the IETF")),
        ("800::/5", gettext_noop("reserved by the IETF")),
        ("1000::/4", gettext_noop("reserved by the IETF")),
        ("2001::/23", gettext_noop("IETF protocol assignments")),  # RFC 2928
        ("2001::/32", gettext_noop("Teredo tunnelling")),  # RFC 4380
        ("2001:2::/48", gettext_noop("benchmarking")),  # RFC 5180
        ("2001:10::/28", gettext_noop("ORCHID, deprecated")),  # RFC 4843
        ("2001:20::/28", gettext_noop("ORCHIDv2")),  # RFC 7343
        ("2001:db8::/32", gettext_noop("documentation")),  # RFC 3849
        ("3fff::/20", gettext_noop("documentation")),  # RFC 9637
        ("4000::/3", gettext_noop("reserved by the IETF")),
        ("5f00::/16", gettext_noop("SRv6 segment identifiers")),  # RFC 9602
        ("6000::/3", gettext_noop("reserved by the IETF")),
        ("8000::/3", gettext_noop("reserved by the IETF")),
        ("a000::/3", gettext_noop("reserved by the IETF")),
        ("c000::/3", gettext_noop("reserved by the IETF")),
        ("e000::/4", gettext_noop("reserved by the IETF")),
        ("f000::/5", gettext_noop("reserved by the IETF")),
        ("f800::/6", gettext_noop("reserved by the IETF")),
        ("fc00::/7", gettext_noop("private network")),  # RFC 4193 unique local
        ("fe00::/9", gettext_noop("reserved by the IETF")),
        ("fe80::/10", gettext_noop("link-local")),  # RFC 4291
        ("fec0::/10", gettext_noop("site-local, deprecated")),  # RFC 3879
        ("ff00::/8", gettext_noop("multicast")),  # RFC 4291
    )
)


def check_public(token: str, network: Network) -> None:
    """Raise NotPublic or IncludesNotPublic if ``network`` is or holds a special-purpose range."""
    start, end = int(network.network_address), int(network.broadcast_address)
    inside: tuple[Network, str] | None = None
    includes: tuple[Network, str] | None = None
    for special, name in NON_PUBLIC_NETWORKS:
        if special.version != network.version:
            continue
        special_start = int(special.network_address)
        special_end = int(special.broadcast_address)
        if special_start <= start and end <= special_end:
            if inside is None or special.prefixlen > inside[0].prefixlen:
                inside = (special, name)
        elif start <= special_start and special_end <= end and includes is None:
            includes = (special, name)
    if inside is not None:
        raise NotPublic(entry=token, range=str(inside[0]), name=inside[1])
    if includes is not None:
        raise IncludesNotPublic(entry=token, range=str(includes[0]), name=includes[1])
