"""Each audit event as one sentence in the reader's language.

The Activity page, its exports and the API all show these sentences, so
they are made here, once, from what ``record()`` stored: the action, its
details and the address. The actor is not in the sentence; the page and the
exports show it beside it (``actor_name``).

An event this module cannot word (an action added later, details written by
older code) still reads as a sentence: the action's label and its details
as "name: value" pairs, never an error. Secrets are never in the details
(``record()`` refuses their keys); the fallback skips those keys anyway.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from django.utils.translation import gettext as _

from atom.audit.actions import label
from atom.audit.models import ActorType
from atom.audit.phrases import Details, Unworded, listed
from atom.audit.wordings import WORDINGS

_SECRET_KEYS = frozenset({"password", "token", "secret", "ciphertext", "key"})


class Event(Protocol):
    """What a sentence needs: an AuditEvent, or a row of ``values_list(named=True)``."""

    action: str
    details: Any
    ip: str | None


def describe(event: Event) -> str:
    """The event as a sentence, e.g. "Password Size changed from 15 to 12"."""
    # Details are JSON objects; anything else (a list, a string) has nothing to word.
    details = event.details if isinstance(event.details, dict) else {}
    wording = WORDINGS.get(event.action)
    if wording is not None:
        try:
            return wording(Details(details))
        except (Unworded, KeyError, TypeError, ValueError, AttributeError):
            pass
    return _generic(event.action, details)


def actor_name(event: Any) -> str:
    """Who acted: a user's email (or a token's mask), else the kind of actor, translated."""
    if event.actor_type in (ActorType.USER, ActorType.TOKEN) and event.actor_label:
        return event.actor_label
    try:
        return str(ActorType(event.actor_type).label)
    except ValueError:
        return event.actor_label or event.actor_type


def _generic(action: str, details: Mapping[str, Any]) -> str:
    """ "Label: name: value; name: value", for what has no wording of its own."""
    pairs = [
        _("%(name)s: %(value)s") % {"name": str(key).replace("_", " "), "value": _value(value)}
        for key, value in details.items()
        if str(key).lower() not in _SECRET_KEYS
    ]
    if not pairs:
        return label(action)
    return _("%(action)s (%(details)s)") % {"action": label(action), "details": "; ".join(pairs)}


def _value(value: Any) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return listed([_value(item) for item in value]) if value else _("none")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
