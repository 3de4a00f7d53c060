"""Password Size: the company's minimum password length, and how length is counted.

Follows NIST SP 800-63B rev 4, section 3.1.1.2: a minimum of 15 characters
for a password used alone (8 at the very least), accept at least 64, no
composition rules, count Unicode code points, normalize before hashing.
A password is counted as typed and after normalization, and the smaller
count must reach the minimum (``length``). We
accept up to 256 characters and never truncate: a silently truncated
password is weaker than the one its owner typed.

Framework-free; the Django validators in atom.accounts call this.
"""

from __future__ import annotations

import unicodedata

from atom.security.core.messages import CodedError, gettext_noop

SMALLEST_MINIMUM = 8
LARGEST_MINIMUM = 64
DEFAULT_MINIMUM = 15
MAXIMUM_LENGTH = 256


class PasswordSizeError(CodedError):
    """A password, or the Password Size setting, is refused."""


class PasswordTooShort(PasswordSizeError):
    code = "password_too_short"
    template = gettext_noop(
        "This password has %(length)d characters; your company requires at least %(minimum)d."
    )


class PasswordTooLong(PasswordSizeError):
    code = "password_too_long"
    template = gettext_noop(
        "This password has %(length)d characters; the most Atom accepts is %(maximum)d."
    )


class SizeSettingError(PasswordSizeError):
    """The Password Size setting itself is not acceptable."""


class SizeNotANumber(SizeSettingError):
    code = "size_not_a_number"
    template = gettext_noop(
        "Password Size must be a whole number from %(smallest)d to %(largest)d."
    )


class SizeOutOfRange(SizeSettingError):
    code = "size_out_of_range"
    template = gettext_noop(
        "Password Size must be from %(smallest)d to %(largest)d; %(value)d is outside."
    )


def normalize(password: str) -> str:
    """The form that is counted and hashed.

    NFKC folds composed and decomposed accents, full-width letters and
    ligatures to one representation, so a password typed on another device
    still matches.
    """
    return unicodedata.normalize("NFKC", password)


def length(password: str) -> int:
    """Length in Unicode code points: the smaller of what was typed and its normalized form.

    A password must be long enough both ways. Counting only the normalized
    form let a ligature count twice ("ﬀ" typed 8 times is 16 letters after
    NFKC, and passed a minimum of 15); counting only what was typed would
    count an accent sent as two code points (e + combining acute, as some
    keyboards send it) twice. The smaller count is what a person sees.
    """
    return min(len(password), len(normalize(password)))


def parse_setting(text: str) -> int:
    """The Password Size field as typed: ASCII digits only, within the allowed range."""
    cleaned = text.strip()
    bounds = {"smallest": SMALLEST_MINIMUM, "largest": LARGEST_MINIMUM}
    # isascii() first: str.isdigit() accepts superscripts and other scripts'
    # digits, which int() would then reject or read differently.
    if not cleaned or not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 4:
        raise SizeNotANumber(**bounds)
    value = int(cleaned)
    if not SMALLEST_MINIMUM <= value <= LARGEST_MINIMUM:
        raise SizeOutOfRange(value=value, **bounds)
    return value
