"""Ending sessions: one, all but this one, or all of a user's.

Ending a session deletes it from Django's session store, which every
process reads on every request: it is over everywhere at its next click,
with no cache to wait for. Each end is audited, and the SignIn row keeps
when and why it ended.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.signins import keys
from atom.signins.models import SignIn


def end_sessions(user, *, except_session_key: str | None = None, actor: Actor, reason: str) -> int:
    """End every session of ``user`` but ``except_session_key``'s; how many ended.

    Called when the password changes, the user is deactivated or their
    second factor is reset (``reason``: "password_changed", "deactivated",
    "second_factor_reset", "signed_out_everywhere", ...). A session opened
    before SignIn rows existed gets its row at its first request
    (atom.signins.tracking.touch); after a password change Django's own
    session hash check also refuses it.

    This is the one way Atom ends a user's sessions: deactivation and a
    lower role (atom.accounts.services), a password change or reset, a
    second factor reset and "Sign out everywhere" all call it.
    """
    with transaction.atomic():
        kept = _keep(except_session_key)
        rows = list(
            SignIn.objects.select_for_update()
            .filter(user=user, ended_at__isnull=True)
            .exclude(id=kept)
        )
        _end(rows, reason)
        count = len(rows) + _end_untracked(user, except_session_key)
        if count:
            record(
                "sessions.ended",
                company=user.company,
                actor=actor,
                details={"email": user.email, "reason": reason, "count": count},
            )
    return count


def _end_untracked(user, except_session_key: str | None) -> int:
    """Delete the user's sessions that have no SignIn row yet; how many.

    A session gets its row at its first request after log-in (or after
    this feature arrived), so one opened and never used since is only in
    Django's store, where the user's id sits inside each signed payload:
    this decodes every live session, a few microseconds each, for a change
    a person makes by hand, never on the request path.
    """
    wanted = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    if except_session_key:
        live = live.exclude(session_key=except_session_key)
    doomed = [
        session.session_key
        for session in live.only("session_key", "session_data").iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == wanted
    ]
    if doomed:
        Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def _keep(session_key: str | None) -> int | None:
    """The SignIn row of the session kept, following it to its current key.

    Found through the session itself: a password change has just given the
    session a new key (Django's update_session_auth_hash), which its row
    does not know yet.
    """
    if not session_key:
        return None
    from atom.signins.tracking import SIGNIN

    row_id = SessionStore(session_key=session_key).get(SIGNIN)
    if row_id is None:
        return None
    SignIn.objects.filter(id=row_id).update(
        key_digest=keys.digest(session_key), key_ciphertext=keys.seal(session_key)
    )
    return row_id


def end_session(user, signin_id: int, *, actor: Actor) -> SignIn | None:
    """End one of ``user``'s sessions ("Sign out" on its line); None if it is not theirs."""
    with transaction.atomic():
        row = (
            SignIn.objects.select_for_update()
            .filter(user=user, id=signin_id, ended_at__isnull=True)
            .first()
        )
        if row is None:
            return None
        _end([row], "signed_out")
        record(
            "session.ended",
            company=user.company,
            actor=actor,
            details={"email": user.email, "browser": row.browser, "system": row.system},
        )
    return row


def end_current(request, reason: str) -> None:
    """Mark the request's own session ended (it is being logged out)."""
    from atom.signins.tracking import SIGNIN

    row_id = request.session.get(SIGNIN)
    if row_id is not None:
        SignIn.objects.filter(id=row_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )


def _end(rows: list[SignIn], reason: str) -> None:
    now = timezone.now()
    for row in rows:
        SessionStore(session_key=keys.unseal(row.key_ciphertext)).delete()
    SignIn.objects.filter(id__in=[row.id for row in rows]).update(ended_at=now, end_reason=reason)
