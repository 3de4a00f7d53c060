"""Which address a request comes from, given the proxies the operator trusts.

``X-Forwarded-For`` is a comma-separated list that every proxy appends the
address of its own peer to. Only the entries appended by proxies we trust are
facts; everything to their left was sent by the client and can be anything.
So the list is walked from the right, skipping trusted proxies, and the first
address that is not a trusted proxy is the client. Believing the leftmost
entry, or any entry from an untrusted peer, lets every client choose its
address and walk past an IP allow list (CVE-2024-29006: Apache CloudStack
honoured a client-sent X-Forwarded-For in its API source-address check).

Values are parsed strictly and malformed values never widen access: if the walk
reaches an element that is not a plain address, the client is unknown and
:func:`resolve` returns ``None`` (the caller denies unknown addresses whenever
a company restricts addresses). Elements may carry surrounding spaces or tabs
(HTTP optional whitespace); nothing else is accepted, not even the ``[v6]``,
``v4:port`` and ``unknown`` forms of RFC 7239 ``Forwarded``: nginx's
``$proxy_add_x_forwarded_for`` and the common load balancers emit plain
addresses, so anything else is a misconfiguration to notice, not to guess
about.

An IPv4-mapped IPv6 address (``::ffff:1.2.3.4``, what a dual-stack socket
reports for an IPv4 peer) is that IPv4 address, everywhere.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address

from atom.security.core.allowlist import parse_network
from atom.security.core.allowlist_errors import EntryError
from atom.security.core.matcher import Address, Matcher, Network

# Strict dotted quad: four ASCII decimal numbers 0-255 without leading zeros.
# inet_aton alone would also take 1.2.3, 0x7f.1 and octal 010.1.1.1.
_IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
)
_OPTIONAL_WHITESPACE = " \t"  # RFC 9110 OWS


class TrustedProxyError(ValueError):
    """An entry of the trusted proxy list is refused.

    Raised while reading configuration at start-up: running with a proxy list
    the operator did not mean would either trust spoofed headers or lock every
    company out.
    """

    def __init__(self, position: int, error: EntryError) -> None:
        super().__init__(f"trusted proxies, entry {position}: {error}")
        self.position = position
        self.error = error


class TrustedProxies:
    """The networks whose ``X-Forwarded-For`` entries we believe."""

    __slots__ = ("networks", "_matcher")

    def __init__(self, networks: Iterable[Network] = ()) -> None:
        self.networks = tuple(networks)
        self._matcher = Matcher(self.networks)

    @classmethod
    def parse(cls, text: str) -> TrustedProxies:
        """Read a comma-separated list of addresses and ranges.

        Same syntax as an allow list entry (so ``010.0.0.1`` cannot mean two
        things here either), but private and loopback ranges are the normal
        case. Blank text means no trusted proxy; an empty element between
        commas is refused, as it is usually a copy-and-paste slip.
        """
        if not text.strip():
            return cls()
        networks: list[Network] = []
        for position, item in enumerate(text.split(","), start=1):
            try:
                networks.append(parse_network(item, allow_private=True))
            except EntryError as error:
                raise TrustedProxyError(position, error) from None
        return cls(networks)

    def __contains__(self, address: Address) -> bool:
        return self._matcher.allows(address)


def resolve(remote_addr: str, forwarded_for: str | None, trusted: TrustedProxies) -> Address | None:
    """The client address of a request, or ``None`` if it cannot be known.

    ``remote_addr`` is the socket peer (WSGI ``REMOTE_ADDR``). Unless it is a
    trusted proxy it is the answer, whatever ``X-Forwarded-For`` says.
    ``forwarded_for`` is the header value; WSGI servers join repeated headers
    with commas, which is the same list, so no special case. If every element
    is a trusted proxy, the leftmost one is the client (a request made by a
    proxy itself, e.g. a health check).
    """
    address = _parse(remote_addr)
    if address is None or forwarded_for is None or address not in trusted:
        return address
    for element in reversed(forwarded_for.split(",")):
        address = _parse(element.strip(_OPTIONAL_WHITESPACE))
        if address is None or address not in trusted:
            return address
    return address


def _parse(text: str) -> Address | None:
    if _IPV4.fullmatch(text):
        # Exactly a dotted quad now, which inet_aton converts 4x faster than
        # IPv4Address(text) re-parses it.
        return IPv4Address(socket.inet_aton(text))
    # A zone (%eth0) is accepted by IPv6Address since Python 3.9 but names an
    # interface of this machine, never a client.
    if ":" not in text or "%" in text:
        return None
    try:
        # Strict: ASCII hex groups only; an embedded IPv4 tail goes through
        # the leading-zero-rejecting IPv4 parser (Python >= 3.9.5).
        address = IPv6Address(text)
    except ValueError:
        return None
    mapped = address.ipv4_mapped
    return address if mapped is None else mapped
