"""Queue a security email: one call from each write service, inside its transaction.

The emails are rows of SecurityEmail written in the transaction of the
change, so they exist exactly when the change does; `atom send-emails`
sends them. Queuing never talks to the SMTP server: a slow or stopped
server cannot delay or break the action.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from atom.audit.actors import Actor
from atom.audit.models import ActorType
from atom.mail.events import ADMINS, EVENTS
from atom.mail.models import EmailPreferences, SecurityEmail
from atom.signins.devices import describe

_SECRET_KEYS = frozenset({"password", "token", "secret", "ciphertext", "key"})


def notify(
    event: str,
    *,
    company,
    actor: Actor,
    details: dict[str, Any] | None = None,
    user=None,
) -> int:
    """Queue ``event``'s email for its recipients, each in their language; how many.

    ``user`` is the user concerned, for the events sent to them (a new
    sign-in, their password changed); company events go to the company's
    active owners and admins who have not turned them off.
    """
    spec = EVENTS[event]
    details = dict(details or {})
    leaked = _SECRET_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"email details must not carry {sorted(leaked)}")
    details.setdefault("company", company.name)
    recipients = _recipients(spec, company, user)
    now = timezone.now()
    rows = []
    for recipient in recipients:
        language = recipient.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject, body = _render(spec, event, details, actor, recipient, now)
        rows.append(
            SecurityEmail(
                company=company,
                recipient=recipient,
                to_address=recipient.email,
                language=language,
                event=event,
                subject=subject[:200],
                body=body,
                next_attempt_at=now,
            )
        )
    SecurityEmail.objects.bulk_create(rows)
    return len(rows)


def _recipients(spec, company, user) -> list:
    from atom.accounts.models import Role, User

    if spec.audience != ADMINS:
        return [user] if user is not None and user.is_active and user.email else []
    admins = User.objects.filter(
        company=company, role__in=[Role.OWNER, Role.ADMIN], is_active=True
    ).order_by("id")
    if spec.category is not None:
        muted = EmailPreferences.objects.filter(**{spec.category: False}).values("user_id")
        admins = admins.exclude(id__in=muted)
    return list(admins)


def _render(spec, event: str, details: dict, actor: Actor, recipient, now) -> tuple[str, str]:
    browser, system = describe(actor.user_agent)
    context = {
        "what": spec.what(details),
        "when": date_format(now, "DATETIME_FORMAT") + " UTC",
        "address": actor.ip,
        "browser": browser,
        "system": system,
        "who": _who(actor),
        "to_admins": spec.audience == ADMINS,
        "recipient": recipient,
        "console_url": settings.ATOM_CONSOLE_URL.rstrip("/"),
        "event": event,
    }
    subject = "Atom: " + spec.subject(details)
    return subject, render_to_string("mail/security_email.txt", context)


def _who(actor: Actor) -> str:
    from django.utils.translation import gettext as _

    if actor.type == ActorType.USER:
        return actor.label
    if actor.type == ActorType.OPERATOR:
        return _("an operator, with the atom command")
    if actor.type == ActorType.SYSTEM:
        return _("Atom itself")
    return _("someone not logged in")
