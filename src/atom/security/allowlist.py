"""The company's "Allowed IP Addresses" list: parse it strictly, match it fast.

Parsing is deliberately stricter than :mod:`ipaddress` and far stricter than
``inet_aton``. An allow list is a security boundary, so every entry must mean
exactly one thing to every program that ever reads it:

* ``inet_aton`` accepts ``1.2.3`` (= 1.2.0.3), ``16909060`` (= 1.2.3.4),
  ``0x7f.1`` and ``010.0.0.1`` (octal, = 8.0.0.1). Python < 3.9.5 read
  ``010.0.0.1`` as 10.0.0.1 instead (CVE-2021-29921). We refuse all of them.
* ``str.isdigit`` and ``int`` accept Arabic-Indic and fullwidth digits; we
  accept ASCII only, so what the admin sees is what is matched.
* Only public addresses may be allowed: an entry such as ``10.0.0.0/8`` would
  let in anyone who can reach the service from inside some other network, or
  anyone who can spoof ``X-Forwarded-For`` through a misconfigured proxy.

Error messages are written for the company admin who typed the entry. They are
English here; each error carries ``code``, ``template`` and ``params`` so a
Django layer can translate ``template`` (marked with :func:`gettext_noop` for
xgettext) without this module importing Django.

Matching (:class:`Matcher`) compiles the networks once into sorted, disjoint
integer intervals, so a lookup is one bisection whatever the list length.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import ClassVar, TypeAlias

Network: TypeAlias = IPv4Network | IPv6Network
Address: TypeAlias = IPv4Address | IPv6Address

#: Prefix lengths an entry may use. Shorter IPv4 prefixes than /8 (or IPv6
#: than /32, the usual allocation of a whole ISP) are never one company's own.
IPV4_PREFIX_RANGE = (8, 32)
IPV6_PREFIX_RANGE = (32, 128)
MAX_LABEL_LENGTH = 100


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it here."""
    return message


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class AllowlistError(ValueError):
    """Base class: the list or one of its entries cannot be accepted.

    ``code`` is short and stable (for tests, APIs and translation catalogs),
    ``template`` is the English message with ``%(name)s`` placeholders and
    ``params`` fills them; ``str(error)`` is ``template % params``.
    """

    code: ClassVar[str]
    template: ClassVar[str]

    def __init__(self, **params: object) -> None:
        super().__init__(params)
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        return self.template % self.params


class TooManyEntries(AllowlistError):
    """The list is longer than the operator allows (storage and review cost)."""

    code = "too_many_entries"
    template = gettext_noop(
        "The list can hold at most %(maximum)s entries; remove entries from line "
        "%(line)d on, or combine neighbouring addresses into ranges."
    )


class EntryError(AllowlistError):
    """One entry (address or range, optionally with a label) is refused."""


class EntrySyntaxError(EntryError):
    """The entry is not written the one way we accept."""


class EmptyEntry(EntrySyntaxError):
    code = "empty"
    template = gettext_noop(
        "The entry is empty; enter an IP address or range, for example 8.8.8.8 or 200.1.2.0/24."
    )


class MissingAddress(EntrySyntaxError):
    code = "missing_address"
    template = gettext_noop("%(entry)s: enter the address before the slash, like 200.1.2.0/24.")


class SpaceInside(EntrySyntaxError):
    """Spaces split the address, so the part after them would become the label."""

    code = "space_inside"
    template = gettext_noop(
        "%(entry)s: remove the spaces inside the address; only a label may "
        "follow the address after a space."
    )


class NonAsciiDigit(EntrySyntaxError):
    """Arabic-Indic, fullwidth, superscript... digits look like 0-9 but are
    other characters; accepting them would let two different strings denote
    the same entry (and ``int`` silently converts some of them)."""

    code = "non_ascii_digit"
    template = gettext_noop(
        "%(entry)s: %(char)s is not one of the digits 0-9; type the address "
        "with the digits 0-9 only."
    )


class UnexpectedCharacter(EntrySyntaxError):
    """Look-alike dots and colons (e.g. fullwidth) are refused for the same
    reason; control characters would be invisible in the list."""

    code = "unexpected_character"
    template = gettext_noop(
        "%(entry)s: the character %(char)s is not allowed; an address uses only "
        "the digits 0-9, the letters a-f, dots, colons and a slash before the "
        "prefix length."
    )


class Ipv4Sign(EntrySyntaxError):
    """``inet_aton`` style parsers (strtoul) accept a sign; we do not."""

    code = "ipv4_sign"
    template = gettext_noop(
        "%(entry)s: remove the + or - sign; each of the four numbers is written "
        "with the digits 0-9 only."
    )


class Ipv4Hex(EntrySyntaxError):
    """``inet_aton`` reads ``0x7f.1`` as 127.0.0.1; a reviewer would not."""

    code = "ipv4_hex"
    template = gettext_noop(
        "%(entry)s: hexadecimal numbers (0x...) are not accepted; write each of "
        "the four numbers in decimal, like 8.8.8.8."
    )


class Ipv4Octal(EntrySyntaxError):
    """A leading zero that changes the value: ``inet_aton`` reads ``010`` as
    octal 8, Python < 3.9.5 read it as decimal 10 (CVE-2021-29921)."""

    code = "ipv4_octal"
    template = gettext_noop(
        "%(entry)s: %(octet)s starts with 0, so some software reads it as the "
        "octal number %(octal)d and other software as %(decimal)d; write the "
        "number you mean without the leading zero."
    )


class Ipv4LeadingZero(EntrySyntaxError):
    """Refused even when harmless (``01``, ``09``) so there is one spelling."""

    code = "ipv4_leading_zero"
    template = gettext_noop(
        "%(entry)s: remove the leading zero from %(octet)s; write it as %(fixed)s."
    )


class Ipv4Character(EntrySyntaxError):
    code = "ipv4_character"
    template = gettext_noop(
        "%(entry)s: the character %(char)s is not allowed; an IPv4 address is "
        "four numbers from 0 to 255 separated by dots, like 8.8.8.8 (host names "
        "are not accepted)."
    )


class Ipv4TrailingDot(EntrySyntaxError):
    """``1.2.3.4.`` is a DNS-style absolute name, not an address."""

    code = "ipv4_trailing_dot"
    template = gettext_noop("%(entry)s: remove the dot at the end.")


class Ipv4EmptyOctet(EntrySyntaxError):
    code = "ipv4_empty_octet"
    template = gettext_noop(
        "%(entry)s: a number is missing before a dot; an IPv4 address is four "
        "numbers separated by dots, like 8.8.8.8."
    )


class Ipv4TooManyOctets(EntrySyntaxError):
    code = "ipv4_too_many_octets"
    template = gettext_noop(
        "%(entry)s: an IPv4 address has exactly four numbers separated by three "
        "dots; remove the extra numbers."
    )


class Ipv4ShortForm(EntrySyntaxError):
    """``inet_aton`` expands ``1.2.3`` to 1.2.0.3 and ``16909060`` to 1.2.3.4;
    nobody reviewing the list would guess that."""

    code = "ipv4_short_form"
    template = gettext_noop(
        "%(entry)s: write all four numbers separated by three dots, like "
        "8.8.8.8; short forms such as 8.8.8 or 134744072 are not accepted."
    )


class Ipv4OctetRange(EntrySyntaxError):
    code = "ipv4_octet_range"
    template = gettext_noop("%(entry)s: each of the four numbers must be 0-255.")


class Port(EntrySyntaxError):
    """The allow list is about hosts; a port would be silently ignored."""

    code = "port"
    template = gettext_noop(
        "%(entry)s: remove the port number after the colon; enter only the address."
    )


class Brackets(EntrySyntaxError):
    """``[v6]`` is URL syntax; the canonical list has one spelling without it."""

    code = "brackets"
    template = gettext_noop(
        "%(entry)s: remove the square brackets; enter the address alone, like "
        "2800:3f0:4001:800::200e."
    )


class Ipv6ZoneId(EntrySyntaxError):
    """A zone (``%eth0``) names an interface of one machine; :mod:`ipaddress`
    accepts it since Python 3.9, which would make equal addresses compare
    unequal."""

    code = "ipv6_zone_id"
    template = gettext_noop(
        "%(entry)s: remove the zone index %(zone)s; it names a network interface "
        "of one machine and never appears in a client address."
    )


class Ipv6Syntax(EntrySyntaxError):
    code = "ipv6_syntax"
    template = gettext_noop(
        "%(entry)s is not a valid IPv6 address; write up to eight groups of one "
        "to four hexadecimal digits separated by colons, with :: at most once, "
        "like 2800:3f0:4001:800::200e."
    )


class PrefixSyntax(EntrySyntaxError):
    code = "prefix_syntax"
    template = gettext_noop(
        "%(entry)s: after the slash write the prefix length as a number, like 200.1.2.0/24."
    )


class PrefixLeadingZero(EntrySyntaxError):
    """Same reason as for octets: one spelling per entry."""

    code = "prefix_leading_zero"
    template = gettext_noop(
        "%(entry)s: write the prefix length without leading zeros, as /%(fixed)s."
    )


class PrefixRange(EntryError):
    code = "prefix_range"
    template = gettext_noop(
        "%(entry)s: the prefix length of an %(family)s range must be between "
        "/%(minimum)d and /%(maximum)d."
    )


class HostBits(EntryError):
    """``ipaddress`` would silently widen or refuse ``203.0.113.7/24``; we say
    which network was probably meant so the admin decides."""

    code = "host_bits"
    template = gettext_noop("%(entry)s has host bits set; did you mean %(network)s?")


class Ipv4Mapped(EntryError):
    """``::ffff:1.2.3.4`` is 1.2.3.4; keeping only the IPv4 spelling keeps one
    canonical entry per network (the matcher maps client addresses anyway)."""

    code = "ipv4_mapped"
    template = gettext_noop(
        "%(entry)s is an IPv4 address written in IPv6 form; enter %(ipv4)s instead."
    )


class NotPublicError(EntryError):
    """The entry touches a special-purpose range (see ``NON_PUBLIC_NETWORKS``)."""


class NotPublic(NotPublicError):
    code = "not_public"
    template = gettext_noop(
        "%(entry)s is in %(range)s (%(name)s); only public addresses can be allowed."
    )


class IncludesNotPublic(NotPublicError):
    code = "includes_not_public"
    template = gettext_noop(
        "%(entry)s includes %(range)s (%(name)s); only public addresses can be "
        "allowed, so enter smaller ranges that leave it out."
    )


class LabelError(EntryError):
    """The free-text label after the address is refused."""


class LabelTooLong(LabelError):
    code = "label_too_long"
    template = gettext_noop(
        "The label after %(entry)s has %(length)d characters; shorten it to at most %(maximum)d."
    )


class LabelIsAddress(LabelError):
    """``200.1.2.3 200.1.2.4`` is two entries typed on one line; taking the
    second as a label would silently leave it out of the list."""

    code = "label_is_address"
    template = gettext_noop(
        "%(entry)s is followed by %(address)s, which would become its label; put "
        "each address on its own line."
    )


class LabelControlCharacter(LabelError):
    """Control, bidi-override and line-separator characters can hide or reorder
    text shown to the next admin (Trojan Source style), and break the
    one-entry-per-line format."""

    code = "label_control_character"
    template = gettext_noop(
        "The label after %(entry)s contains the invisible control character %(char)s; remove it."
    )


# --------------------------------------------------------------------------
# Special-purpose ranges
# --------------------------------------------------------------------------

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

_MAPPED_PREFIX = 0xFFFF << 32  # ::ffff:0:0/96, RFC 4291 section 2.5.5.2
_IPV4_MASK = 0xFFFFFFFF


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One allowed network and the admin's label for it."""

    network: Network
    label: str = ""

    @property
    def text(self) -> str:
        """Canonical spelling; a single address is shown without /32 or /128."""
        network = self.network
        if network.prefixlen == network.max_prefixlen:
            return str(network.network_address)
        return str(network)


@dataclass(frozen=True)
class LineError:
    """An entry of a pasted list that was refused, with its 1-based line."""

    line: int
    text: str
    error: AllowlistError


@dataclass(frozen=True)
class Notice:
    """Something :func:`parse_lines` fixed by itself (same protocol as errors)."""

    line: int
    code: str
    template: str
    params: Mapping[str, object]

    def __str__(self) -> str:
        return self.template % self.params


@dataclass(frozen=True)
class ParsedList:
    entries: tuple[Entry, ...]
    errors: tuple[LineError, ...]
    notices: tuple[Notice, ...]
    # The 1-based line each entry came from, parallel to ``entries``, so an
    # editor can put each canonical entry back where the admin typed it.
    lines: tuple[int, ...] = ()


_DUPLICATE = gettext_noop(
    "%(entry)s is already on line %(first_line)d; the repeated entry was dropped."
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what a browser textarea submits
_ENTRY_AND_LABEL = re.compile(r"(\S+)\s*(.*)", re.DOTALL)
# A label never starts with these, an address is never split before them, so
# "200.1.2 .3" or "200.1.2.0 /24" is a typo rather than address plus label.
_JOINERS = "./:"
_BRACKETS_AND_PORT = re.compile(r"\[[^\]]*\]:.*", re.DOTALL)
# Bidirectional marks, embeddings, overrides and isolates (Unicode UAX #9).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def parse_lines(text: str, *, allow_private: bool = False, max_entries: int = 1000) -> ParsedList:
    """Parse a pasted list: one entry per line, blank lines ignored.

    Never raises: every refused line becomes a :class:`LineError`, so the
    admin sees all problems at once. Entries keep their input order; a repeated
    network is dropped with a :class:`Notice`.
    """
    entries: list[Entry] = []
    lines: list[int] = []
    errors: list[LineError] = []
    notices: list[Notice] = []
    first_lines: dict[Network, int] = {}
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            entry = parse_entry(stripped, allow_private=allow_private)
        except EntryError as error:
            errors.append(LineError(number, stripped, error))
            continue
        first_line = first_lines.get(entry.network)
        if first_line is not None:
            params = {"entry": entry.text, "first_line": first_line, "line": number}
            notices.append(Notice(number, "duplicate", _DUPLICATE, params))
        elif len(entries) < max_entries:
            first_lines[entry.network] = number
            entries.append(entry)
            lines.append(number)
        elif not any(isinstance(e.error, TooManyEntries) for e in errors):
            too_many = TooManyEntries(maximum=f"{max_entries:,}", line=number)
            errors.append(LineError(number, stripped, too_many))
    return ParsedList(tuple(entries), tuple(errors), tuple(notices), tuple(lines))


def format_lines(entries: Iterable[Entry]) -> str:
    """The text :func:`parse_lines` reads back to the same entries."""
    return "".join(f"{entry.text} {entry.label}".rstrip() + "\n" for entry in entries)


def parse_entry(text: str, *, allow_private: bool = False) -> Entry:
    """Parse ``<address-or-range> [label]``; raise an :class:`EntryError`."""
    stripped = text.strip()
    match = _ENTRY_AND_LABEL.fullmatch(stripped)
    if match is None:
        raise EmptyEntry()
    token, label = match.group(1), match.group(2)
    split = bool(label) and label[0] in _JOINERS
    try:
        network = _parse_network(token)
    except EntrySyntaxError:
        if label and (split or token[-1] in _JOINERS):
            raise SpaceInside(entry=stripped) from None
        raise
    if split:
        raise SpaceInside(entry=stripped)
    if not allow_private:
        _check_public(token, network)
    _check_label(token, label)
    return Entry(network, label)


def parse_network(text: str, *, allow_private: bool = False) -> Network:
    """Parse one address or range without a label (surrounding space trimmed)."""
    token = text.strip()
    if not token:
        raise EmptyEntry()
    if any(char.isspace() for char in token):
        raise SpaceInside(entry=token)
    network = _parse_network(token)
    if not allow_private:
        _check_public(token, network)
    return network


def _parse_network(token: str) -> Network:
    for char in token:
        if not char.isascii() and char.isdigit():
            raise NonAsciiDigit(entry=token, char=_describe(char))
        if not char.isascii() or not char.isprintable():
            raise UnexpectedCharacter(entry=token, char=_describe(char))
    address_text, slash, prefix_text = token.partition("/")
    if not address_text:
        raise MissingAddress(entry=token)
    address = _parse_address(token, address_text)
    if isinstance(address, IPv4Address):
        family, (minimum, maximum) = "IPv4", IPV4_PREFIX_RANGE
    else:
        family, (minimum, maximum) = "IPv6", IPV6_PREFIX_RANGE
    prefix = _parse_prefix(token, prefix_text) if slash else maximum
    if not minimum <= prefix <= maximum:
        raise PrefixRange(entry=token, family=family, minimum=minimum, maximum=maximum)
    value = int(address)
    host_mask = (1 << (maximum - prefix)) - 1
    network: Network
    if isinstance(address, IPv4Address):
        network = IPv4Network((value & ~host_mask, prefix))
    else:
        network = IPv6Network((value & ~host_mask, prefix))
    if value & host_mask:
        raise HostBits(entry=token, network=Entry(network).text)
    if isinstance(network, IPv6Network) and prefix >= 96 and value >> 32 == 0xFFFF:
        ipv4 = Entry(IPv4Network((value & _IPV4_MASK, prefix - 96))).text
        raise Ipv4Mapped(entry=token, ipv4=ipv4)
    return network


def _parse_address(token: str, text: str) -> Address:
    if "[" in text or "]" in text:
        if _BRACKETS_AND_PORT.fullmatch(text):
            raise Port(entry=token)
        raise Brackets(entry=token)
    if ":" not in text:
        return _parse_ipv4(token, text)
    if text.count(":") == 1 and "." in text.partition(":")[0]:
        raise Port(entry=token)
    if "%" in text:
        raise Ipv6ZoneId(entry=token, zone=text[text.index("%") :])
    try:
        # Strict enough once zones are gone: hextets are checked against an
        # ASCII hex digit set, and an embedded IPv4 tail goes through the
        # leading-zero-rejecting IPv4 parser (Python >= 3.9.5).
        return IPv6Address(text)
    except ValueError:
        raise Ipv6Syntax(entry=token) from None


def _parse_ipv4(token: str, text: str) -> IPv4Address:
    parts = text.split(".")
    if any(part[:1] in ("+", "-") for part in parts):
        raise Ipv4Sign(entry=token)
    if any(part[:2] in ("0x", "0X") for part in parts):
        raise Ipv4Hex(entry=token)
    for char in text:
        if char not in "0123456789.":
            raise Ipv4Character(entry=token, char=_describe(char))
    if text.endswith("."):
        raise Ipv4TrailingDot(entry=token)
    if "" in parts:
        raise Ipv4EmptyOctet(entry=token)
    if len(parts) > 4:
        raise Ipv4TooManyOctets(entry=token)
    if len(parts) < 4:
        raise Ipv4ShortForm(entry=token)
    value = 0
    for part in parts:
        # Strip zeros before int(): int() refuses strings over 4300 digits.
        digits = part.lstrip("0") or "0"
        if len(digits) > 3 or int(digits) > 255:
            raise Ipv4OctetRange(entry=token)
        if digits != part:
            decimal = int(digits)
            if set(digits) <= set("01234567") and int(digits, 8) != decimal:
                raise Ipv4Octal(entry=token, octet=part, octal=int(digits, 8), decimal=decimal)
            raise Ipv4LeadingZero(entry=token, octet=part, fixed=digits)
        value = value << 8 | int(digits)
    return IPv4Address(value)


def _parse_prefix(token: str, text: str) -> int:
    if not text or not text.isdigit():  # the token is ASCII by now
        raise PrefixSyntax(entry=token)
    digits = text.lstrip("0") or "0"
    if digits != text:
        raise PrefixLeadingZero(entry=token, fixed=digits)
    # int() refuses over 4300 digits; four digits are already out of any range.
    return int(digits[:4])


def _check_public(token: str, network: Network) -> None:
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


def _check_label(token: str, label: str) -> None:
    if len(label) > MAX_LABEL_LENGTH:
        raise LabelTooLong(entry=token, length=len(label), maximum=MAX_LABEL_LENGTH)
    for char in label:
        # Cc: C0/C1 controls incl. tab; Cs: lone surrogates (not encodable);
        # Zl/Zp: U+2028/U+2029, which str.splitlines treats as line breaks.
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI_CONTROLS:
            raise LabelControlCharacter(entry=token, char=_describe(char))
    first_word = label.split(maxsplit=1)[0] if label else ""
    if first_word and _is_address(first_word):
        raise LabelIsAddress(entry=token, address=first_word)


def _is_address(word: str) -> bool:
    try:
        _parse_network(word)
    except EntrySyntaxError:
        return False
    except EntryError:  # wrong prefix length or host bits: still an address
        return True
    return True


def _describe(char: str) -> str:
    code_point = f"U+{ord(char):04X}"
    if char.isprintable():
        return f'"{char}" ({code_point})'
    return code_point


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


class Matcher:
    """Membership test for a fixed set of networks in O(log n).

    Networks are merged per family into sorted, disjoint integer intervals.
    An IPv4-mapped IPv6 address (``::ffff:1.2.3.4``, what a dual-stack socket
    reports for an IPv4 client) is matched as its IPv4 address, and the
    IPv4-mapped part of an IPv6 network also matches the IPv4 addresses, so an
    address matches when it or its other spelling lies in one of the networks.

    An empty matcher allows nothing. Whether an empty list means "no
    restriction" is the caller's policy: check :attr:`is_empty` first.
    """

    __slots__ = ("_v4_starts", "_v4_ends", "_v6_starts", "_v6_ends")

    def __init__(self, networks: Iterable[Network]) -> None:
        v4: list[tuple[int, int]] = []
        v6: list[tuple[int, int]] = []
        for network in networks:
            start = int(network.network_address)
            end = int(network.broadcast_address)
            if isinstance(network, IPv4Network):
                v4.append((start, end))
                continue
            v6.append((start, end))
            low = max(start, _MAPPED_PREFIX)
            high = min(end, _MAPPED_PREFIX | _IPV4_MASK)
            if low <= high:
                v4.append((low & _IPV4_MASK, high & _IPV4_MASK))
        self._v4_starts, self._v4_ends = _merge(v4)
        self._v6_starts, self._v6_ends = _merge(v6)

    @property
    def is_empty(self) -> bool:
        return not self._v4_starts and not self._v6_starts

    def allows(self, address: Address) -> bool:
        if isinstance(address, IPv6Address):
            mapped = address.ipv4_mapped
            if mapped is None:
                return _lookup(self._v6_starts, self._v6_ends, int(address))
            address = mapped
        return _lookup(self._v4_starts, self._v4_ends, int(address))


def _merge(intervals: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(intervals):
        if ends and start <= ends[-1] + 1:  # overlapping or adjacent
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _lookup(starts: list[int], ends: list[int], value: int) -> bool:
    index = bisect_right(starts, value) - 1
    return index >= 0 and value <= ends[index]
