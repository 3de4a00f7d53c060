"""When an integration token stops working: the expiry choices and the company's maximum.

An integration token expires 30, 90 or 365 days after it is created, at the
end of a chosen day (UTC), or never. A company may set a maximum lifetime
(NIST SP 800-57 calls it the cryptoperiod): every new token must then expire
within it, so "never" is refused and so is any later date.

Framework-free; messages are English templates for the Django layer to
translate (atom.security.core.messages).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from atom.security.core.messages import CodedError, gettext_noop

DAY_CHOICES = (30, 90, 365)
NEVER = "never"
ON_DATE = "date"
CHOICES = (*(str(days) for days in DAY_CHOICES), ON_DATE, NEVER)
# The largest maximum lifetime a company may set: ten years.
LONGEST_MAXIMUM_DAYS = 3650
# Reminders go this many days before a token expires.
REMINDER_DAYS = (7, 1)
# "Expiring soon" on the list: within the first reminder.
SOON = timedelta(days=REMINDER_DAYS[0])


class ExpiryError(CodedError):
    """The expiry asked for a token cannot be accepted."""


class UnknownChoice(ExpiryError):
    code = "unknown_expiry"
    template = gettext_noop(
        "Expires: %(choice)s is not a choice; choose 30, 90 or 365 days, a date, or never."
    )


class DateMissing(ExpiryError):
    code = "expiry_date_missing"
    template = gettext_noop("Expires: enter the date, as YYYY-MM-DD, for example 2027-06-30.")


class DateSyntax(ExpiryError):
    code = "expiry_date_syntax"
    template = gettext_noop(
        "Expires: %(value)s is not a date; write it as YYYY-MM-DD, for example 2027-06-30."
    )


class DateInPast(ExpiryError):
    code = "expiry_in_past"
    template = gettext_noop(
        "Expires: %(value)s has already passed; choose today (%(today)s) or a later date."
    )


class BeyondMaximum(ExpiryError):
    code = "expiry_beyond_maximum"
    template = gettext_noop(
        "Expires: your company allows tokens to live at most %(days)s days; choose %(last)s "
        "or earlier."
    )


class MaximumRange(ExpiryError):
    code = "maximum_lifetime_range"
    template = gettext_noop(
        "Maximum lifetime: enter a number of days from 1 to %(largest)s, or leave it empty "
        "for no maximum."
    )


def resolve(
    choice: str, on_date: str, now: datetime, maximum_days: int | None = None
) -> datetime | None:
    """The moment a token created ``now`` expires (None: never).

    ``on_date`` is read only when ``choice`` is "date": the token then works
    until the end of that day, UTC. ``maximum_days`` is the company's
    maximum lifetime: the expiry may be at most that long after ``now``.

    :raises ExpiryError: one of its subclasses, naming what to choose instead.
    """
    choice = choice.strip()
    if choice == NEVER:
        expires = None
    elif choice in CHOICES[: len(DAY_CHOICES)]:
        expires = now + timedelta(days=int(choice))
    elif choice == ON_DATE:
        expires = _end_of(_parse_date(on_date), now)
    else:
        raise UnknownChoice(choice=choice[:40])
    if maximum_days is not None:
        last = now + timedelta(days=maximum_days)
        if expires is None or expires > last:
            raise BeyondMaximum(days=maximum_days, last=_last_whole_day(last).isoformat())
    return expires


def parse_maximum(text: str) -> int | None:
    """The company's maximum lifetime in days from a form field; None: no maximum."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= LONGEST_MAXIMUM_DAYS:
        raise MaximumRange(largest=LONGEST_MAXIMUM_DAYS)
    return int(text)


def status(revoked: bool, expires_at: datetime | None, now: datetime) -> str:
    """ "revoked", "expired", "expiring" (within SOON) or "active"."""
    if revoked:
        return "revoked"
    if expires_at is None:
        return "active"
    if expires_at <= now:
        return "expired"
    if expires_at - now <= SOON:
        return "expiring"
    return "active"


def _parse_date(text: str) -> date:
    text = text.strip()
    if not text:
        raise DateMissing()
    if not (len(text) == 10 and text.isascii()):
        raise DateSyntax(value=text[:40])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateSyntax(value=text) from None


def _end_of(day: date, now: datetime) -> datetime:
    expires = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
    if expires <= now:
        raise DateInPast(value=day.isoformat(), today=now.astimezone(UTC).date().isoformat())
    return expires


def _last_whole_day(last: datetime) -> date:
    """The latest date whose end (midnight UTC after it) is not after ``last``."""
    return last.astimezone(UTC).date() - timedelta(days=1)
