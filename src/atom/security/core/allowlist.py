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

Errors live in :mod:`atom.security.core.allowlist_errors`, the special-purpose
ranges in :mod:`atom.security.core.public_ranges`, and matching in
:mod:`atom.security.core.matcher`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from atom.security.core.allowlist_errors import (
    AllowlistError,
    Brackets,
    EmptyEntry,
    EntryError,
    EntrySyntaxError,
    HostBits,
    Ipv4Character,
    Ipv4EmptyOctet,
    Ipv4Hex,
    Ipv4LeadingZero,
    Ipv4Mapped,
    Ipv4Octal,
    Ipv4OctetRange,
    Ipv4ShortForm,
    Ipv4Sign,
    Ipv4TooManyOctets,
    Ipv4TrailingDot,
    Ipv6Syntax,
    Ipv6ZoneId,
    LabelControlCharacter,
    LabelIsAddress,
    LabelTooLong,
    MissingAddress,
    NonAsciiDigit,
    Port,
    PrefixLeadingZero,
    PrefixRange,
    PrefixSyntax,
    SpaceInside,
    TooManyEntries,
    UnexpectedCharacter,
)
from atom.security.core.matcher import IPV4_MASK as _IPV4_MASK
from atom.security.core.matcher import Address, Network
from atom.security.core.messages import gettext_noop
from atom.security.core.public_ranges import check_public

#: Prefix lengths an entry may use. Shorter IPv4 prefixes than /8 (or IPv6
#: than /32, the usual allocation of a whole ISP) are never one company's own.
IPV4_PREFIX_RANGE = (8, 32)
IPV6_PREFIX_RANGE = (32, 128)
MAX_LABEL_LENGTH = 100


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
    # The console shows the list as entries, not lines: the message names the entry.
    "%(entry)s is already in the list; the repeated entry was dropped."
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
        if len(errors) >= max_entries:
            # Parsing is the costly part: a paste of 100,000 junk lines
            # must not keep a worker busy for seconds. Past this many
            # errors (or the entry limit, below) nothing more can be saved
            # anyway, and the admin has plenty to fix.
            break
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
        else:
            too_many = TooManyEntries(maximum=f"{max_entries:,}", line=number)
            errors.append(LineError(number, stripped, too_many))
            break
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
        check_public(token, network)
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
        check_public(token, network)
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
