"""Why an Allowed IP Addresses entry (or list) was refused.

Each error is an ``atom.security.core.messages.CodedError``: a stable ``code``, an
English ``template`` marked for translation, and the ``params`` that fill it.
"""

from __future__ import annotations

from atom.security.core.messages import CodedError, gettext_noop


class AllowlistError(CodedError):
    """Base class: the list or one of its entries cannot be accepted."""


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

    words = frozenset({"name"})


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
