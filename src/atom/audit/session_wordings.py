"""Wordings for two-step verification and sessions: how a person proves who
they are, and how long that lasts. ``wordings.WORDINGS`` includes these.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atom.audit.phrases import Details, Unworded, duration


def _minutes(value: int) -> str:
    # 0 is how the Security Settings store "no limit".
    return _("no limit") if value == 0 else duration(value * 60)


def _idle_timeout_changed(d: Details) -> str:
    return _("Idle timeout changed from %(old)s to %(new)s") % {
        "old": _minutes(d.number("from_minutes")),
        "new": _minutes(d.number("to_minutes")),
    }


def _session_length_changed(d: Details) -> str:
    return _("Maximum session length changed from %(old)s to %(new)s") % {
        "old": _minutes(d.number("from_minutes")),
        "new": _minutes(d.number("to_minutes")),
    }


def _two_factor_required(d: Details) -> str:
    hours = d.number("grace_hours")
    if hours <= 0:
        return _("Two-step verification required of every user, from now on")
    return _(
        "Two-step verification required of every user; those without it have %(duration)s "
        "to set it up"
    ) % {"duration": duration(hours * 3600)}


def second_step_name(method: object) -> str:
    """How a second step was given: "a passkey", "an authenticator app code"..."""
    names = {
        "app": _("an authenticator app code"),
        "passkey": _("a passkey"),
        "recovery": _("a recovery code"),
    }
    name = names.get(str(method))
    if name is None:
        raise Unworded("method")
    return name


def _passkey_added(d: Details) -> str:
    return _("Added the passkey “%(name)s”") % {"name": d.text("name")}


def _passkey_removed(d: Details) -> str:
    return _("Removed the passkey “%(name)s”") % {"name": d.text("name")}


def _recovery_codes_generated(d: Details) -> str:
    count = d.number("count")
    return ngettext(
        "Generated %(count)s new recovery code for %(email)s",
        "Generated %(count)s new recovery codes for %(email)s",
        count,
    ) % {"count": count, "email": d.text("email")}


def _recovery_code_used(d: Details) -> str:
    left = d.number("left")
    return ngettext(
        "Logged in with a recovery code; %(count)s is left",
        "Logged in with a recovery code; %(count)s are left",
        left,
    ) % {"count": left}


def _second_step_refused(d: Details) -> str:
    places = {
        "login": _("at log-in"),
        "sudo": _("while confirming a sensitive action"),
        "enrolment": _("while setting it up"),
    }
    reasons = {
        "wrong": _("it was wrong"),
        "reused": _("it was already used"),
        "malformed": _("it was not a code"),
        "missing": _("none was given"),
    }
    where, reason = d.get("where"), d.get("reason")
    values = {"method": second_step_name(d.get("method")), "where": places.get(where, "")}
    if not values["where"]:
        raise Unworded("where")
    if reason in reasons:
        return _("Second step refused %(where)s: %(method)s, but %(reason)s") % {
            **values,
            "reason": reasons[reason],
        }
    return _("Second step refused %(where)s: %(method)s") % values


def _two_factor_disabled(d: Details) -> str:
    return _("Two-step verification turned off for %(email)s") % {"email": d.text("email")}


def _two_factor_reset(d: Details) -> str:
    values = {"email": d.text("email")}
    if d.get("had_second_factor") is False:
        return _("Reset two-step verification for %(email)s, who had not set it up") % values
    return _("Reset two-step verification for %(email)s: they must set it up again") % values


def _session_timed_out(d: Details) -> str:
    limit = d.get("limit")
    if limit == "idle":
        return _("Signed out after being inactive longer than the idle timeout")
    if limit == "length":
        return _("Signed out at the end of the maximum session length")
    raise Unworded("limit")


def _session_ended(d: Details) -> str:
    return _("Ended the session of %(email)s in %(browser)s on %(system)s") % {
        "email": d.text("email"),
        "browser": d.text("browser"),
        "system": d.text("system"),
    }


def _sessions_ended(d: Details) -> str:
    reasons = {
        "password_changed": _("their password changed"),
        "deactivated": _("they were deactivated"),
        "role_lowered": _("their role was lowered"),
        "password_reset": _("their password was reset"),
        "second_factor_reset": _("their two-step verification was reset"),
        "signed_out_everywhere": _("they signed out everywhere"),
        "signed_out_by_admin": _("an admin signed them out"),
    }
    count = d.number("count")
    reason = reasons.get(d.get("reason"))
    if reason is None:
        raise Unworded("reason")
    return ngettext(
        "Ended %(count)s session of %(email)s: %(reason)s",
        "Ended %(count)s sessions of %(email)s: %(reason)s",
        count,
    ) % {"count": count, "email": d.text("email"), "reason": reason}


def _fixed(text: Callable[[], str]) -> Callable[[Details], str]:
    return lambda _details: text()


SESSION_WORDINGS: dict[str, Callable[[Details], str]] = {
    "security.idle_timeout_changed": _idle_timeout_changed,
    "security.session_length_changed": _session_length_changed,
    "security.two_factor_required": _two_factor_required,
    "security.two_factor_not_required": _fixed(
        lambda: _("Two-step verification no longer required of every user")
    ),
    "twofactor.app_added": _fixed(
        lambda: _("Set up an authenticator app for two-step verification")
    ),
    "twofactor.app_removed": _fixed(lambda: _("Removed their authenticator app")),
    "twofactor.passkey_added": _passkey_added,
    "twofactor.passkey_removed": _passkey_removed,
    "twofactor.recovery_codes_generated": _recovery_codes_generated,
    "twofactor.recovery_code_used": _recovery_code_used,
    "twofactor.failed": _second_step_refused,
    "twofactor.disabled": _two_factor_disabled,
    "twofactor.reset": _two_factor_reset,
    "session.timed_out": _session_timed_out,
    "session.ended": _session_ended,
    "sessions.ended": _sessions_ended,
}
