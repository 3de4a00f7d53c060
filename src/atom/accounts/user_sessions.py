"""Ending every console session of one user, wherever it was opened.

Sessions live in Django's database session store, which every process reads
on every request: deleting a user's rows ends those sessions on every host
at their next click, sudo mode and all, and a later reactivation cannot
bring them back.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions(user) -> int:
    """Delete every unexpired session of ``user``; how many there were.

    The store keeps the user's id only inside each signed session payload,
    so this decodes every live session: a few microseconds each, for a
    change an admin makes by hand (deactivation, a lower role), never on
    the request path.
    """
    wanted = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    doomed = [
        session.session_key
        for session in live.only("session_key", "session_data").iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == wanted
    ]
    if doomed:
        Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)
