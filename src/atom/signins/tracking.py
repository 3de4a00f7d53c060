"""Recording console sessions: at log-in, and at most once a minute after.

The session itself carries when it started and when it was last seen
(``STARTED``, ``SEEN``, epoch seconds), so enforcing the company's session
limits costs no query: Django loads the session on every request anyway.
"Last seen" is written, to the session and to its SignIn row, only when
it is more than ``ATOM_SESSION_SEEN_INTERVAL_SECONDS`` old: a console user
clicking all day costs two small writes a minute, not two per click.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from atom.signins import devices, keys
from atom.signins.models import SignIn

SIGNIN = "atom_signin"
STARTED = "atom_started"
SEEN = "atom_seen"


def start(request: HttpRequest, user) -> SignIn:
    """Record the session ``request`` now carries for ``user`` (just logged in)."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = time.time()
    session[STARTED] = now
    session[SEEN] = now
    row = _create(request, user, session.session_key, now)
    session[SIGNIN] = row.id
    return row


def _create(request: HttpRequest, user, session_key: str, now: float) -> SignIn:
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    browser, system = devices.describe(agent)
    address = getattr(request, "client_ip", None)
    moment = datetime.fromtimestamp(now, tz=UTC)
    # get_or_create: a page's parallel requests (its scripts, a second tab)
    # may all find the session without its line and all try to add it.
    row, _created = SignIn.objects.get_or_create(
        key_digest=keys.digest(session_key),
        defaults={
            "user": user,
            "company_id": user.company_id,
            "key_ciphertext": keys.seal(session_key),
            "user_agent": agent,
            "browser": browser,
            "system": system,
            "ip": None if address is None else str(address),
            "started_at": moment,
            "last_seen_at": moment,
        },
    )
    return row


def touch(request: HttpRequest, now: float) -> bool:
    """Note activity: at most once per interval per session, whichever process serves it.

    A session without a record (opened before this existed, or by a test's
    force_login) gets one now, started now. True when it wrote.
    """
    session = request.session
    seen = session.get(SEEN)
    if seen is not None and now - seen < settings.ATOM_SESSION_SEEN_INTERVAL_SECONDS:
        return False
    session[SEEN] = now
    row_id = session.get(SIGNIN)
    updated = 0
    if row_id is not None:
        updated = SignIn.objects.filter(id=row_id, ended_at__isnull=True).update(
            last_seen_at=datetime.fromtimestamp(now, tz=UTC)
        )
    if not updated:
        if session.session_key is None:
            session.save()
        session.setdefault(STARTED, now)
        session[SIGNIN] = _create(request, request.user, session.session_key, now).id
    return True


def follow_new_key(request: HttpRequest, old_key: str | None) -> None:
    """Keep the record on its session when Django gives it a new key (a password change)."""
    new_key = request.session.session_key
    row_id = request.session.get(SIGNIN)
    if row_id is None or not new_key or new_key == old_key:
        return
    SignIn.objects.filter(id=row_id, ended_at__isnull=True).update(
        key_digest=keys.digest(new_key), key_ciphertext=keys.seal(new_key)
    )


def live(user) -> list[SignIn]:
    """The user's sessions that can still be used, the latest first.

    Checked against Django's session store in one query: a session can end
    without passing through atom.signins.services (it expired, or another
    part of Atom deleted it), and a line for it would mislead.
    """
    from django.contrib.sessions.models import Session

    now = timezone.now()
    recent = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = list(
        SignIn.objects.filter(user=user, ended_at__isnull=True, last_seen_at__gt=recent).order_by(
            "-last_seen_at", "-id"
        )
    )
    by_key = {keys.unseal(row.key_ciphertext): row for row in rows}
    existing = set(
        Session.objects.filter(session_key__in=list(by_key), expire_date__gt=now).values_list(
            "session_key", flat=True
        )
    )
    return [row for key, row in by_key.items() if key in existing]


def seen_before(user, browser: str, system: str, ip: str | None, *, excluding: int) -> bool:
    """Has this user signed in from this browser and system at this address before?"""
    return (
        SignIn.objects.filter(user=user, browser=browser, system=system, ip=ip)
        .exclude(id=excluding)
        .exists()
    )
