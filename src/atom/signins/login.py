"""What a successful log-in adds: the session's line, and an email if the browser is new."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from atom.audit.actors import Actor
from atom.mail.notify import notify
from atom.signins import tracking
from atom.signins.models import SignIn


def signed_in(request: HttpRequest, user) -> SignIn:
    """Record the session just opened; email the user if this browser and address are new.

    Called by the log-in view right after Django's login(). The email
    cannot be turned off: it is how a user learns their password is known
    to someone else.
    """
    with transaction.atomic():
        row = tracking.start(request, user)
        if not tracking.seen_before(user, row.browser, row.system, row.ip, excluding=row.id):
            notify(
                "signin.new",
                company=user.company,
                actor=Actor.for_user(user, ip=row.ip, user_agent=row.user_agent),
                user=user,
            )
    return row
