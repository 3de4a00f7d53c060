"""One wording per audit action, from the details its ``record()`` caller stores.

Written verb first for what the actor did ("Added 203.0.113.7 ... to the
Allowed IP Addresses"), or naming the setting for a setting that changed
("Password Size changed from 15 to 12"); the actor is shown beside the
sentence, not in it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atom.audit.actions import GROUPS
from atom.audit.dates import format_when
from atom.audit.integration_wordings import INTEGRATION_WORDINGS
from atom.audit.phrases import (
    Details,
    Unworded,
    address,
    addresses,
    clauses,
    duration,
    listed,
    person,
    rate,
    role,
    token,
)
from atom.audit.session_wordings import SESSION_WORDINGS, second_step_name


def _login_failed(d: Details) -> str:
    return _("Log-in failed for %(email)s") % {"email": d.text("email")}


def _login_locked_out(d: Details) -> str:
    return _("Log-ins for %(email)s from this address paused after too many failures") % {
        "email": d.text("email")
    }


def _verification_failed(d: Details) -> str:
    # Written by atom.accounts.verification; "where" names the check.
    where = d.get("where")
    if d.get("locked_out"):
        return _("Checks of %(email)s from this address paused after too many failures") % {
            "email": d.text("email")
        }
    if where == "sudo":
        return _("Typed a wrong password to confirm a sensitive action")
    if where == "password_change":
        return _("Typed a wrong current password to change their password")
    if where == "two_factor":
        return _("Typed a wrong two-step verification code")
    return _("Failed a password or code check")


def _password_changed(d: Details) -> str:
    if d.get("required"):
        return _("Changed their password, as they were asked to")
    return _("Changed their password")


def _password_reset_requested(d: Details) -> str:
    return _("Password reset link requested for %(email)s") % {"email": d.text("email")}


def _password_change_required(d: Details) -> str:
    if d.get("reason") == "policy":
        return _(
            "Asked to choose a new password: theirs is shorter than the Password Size "
            "of %(minimum)s characters"
        ) % {"minimum": d.number("minimum")}
    return _("Asked to choose a new password")


def _user_added(d: Details) -> str:
    return _("Added %(email)s as %(role)s") % {"email": d.text("email"), "role": role(d["role"])}


def _user_role_changed(d: Details) -> str:
    changed = _("Changed the role of %(email)s from %(old)s to %(new)s") % {
        "email": d.text("email"),
        "old": role(d["from"]),
        "new": role(d["to"]),
    }
    return clauses([changed, *_sessions_ended_clause(d)])


def _user_deactivated(d: Details) -> str:
    deactivated = _("Deactivated %(email)s") % {"email": d.text("email")}
    return clauses([deactivated, *_sessions_ended_clause(d)])


def _user_reactivated(d: Details) -> str:
    return _("Reactivated %(email)s") % {"email": d.text("email")}


def _company_created(d: Details) -> str:
    return _("Created the company “%(name)s” with the owner %(owner)s") % {
        "name": d.text("name"),
        "owner": d.text("owner"),
    }


def _company_renamed(d: Details) -> str:
    return _("Renamed the company from “%(old)s” to “%(new)s”") % {
        "old": d.text("from"),
        "new": d.text("to"),
    }


def _password_size_changed(d: Details) -> str:
    return _("Password Size changed from %(old)s to %(new)s") % {
        "old": d.number("from"),
        "new": d.number("to"),
    }


def _allowlist_changed(d: Details) -> str:
    added, removed, relabeled = d.items("added"), d.items("removed"), d.items("relabeled")
    parts = []
    if added:
        parts.append(_("Added %(addresses)s to the Allowed IP Addresses") % addresses(added))
    if removed:
        if parts:
            parts.append(_("removed %(addresses)s") % addresses(removed))
        else:
            parts.append(
                _("Removed %(addresses)s from the Allowed IP Addresses") % addresses(removed)
            )
    if relabeled:
        if parts:
            parts.append(_("changed the label of %(addresses)s") % addresses(relabeled))
        else:
            parts.append(
                _("Changed the label of %(addresses)s in the Allowed IP Addresses")
                % addresses(relabeled)
            )
    if not parts:
        raise Unworded("added")
    if d.get("count") == 0:
        parts.append(_("the list is now empty: every address may connect"))
    return clauses(parts)


def _allowlist_cleared(d: Details) -> str:
    removed = d.items("removed")
    if not removed:
        return _("Cleared the Allowed IP Addresses: every address may connect")
    return _(
        "Cleared the Allowed IP Addresses (%(addresses)s): every address may connect"
    ) % addresses(removed)


def _address_refused(d: Details) -> str:
    values = {"address": address(d.get("address"))}
    via = d.get("via")
    if via == "api":
        return _("API call from %(address)s refused: not in the Allowed IP Addresses") % values
    if via == "console":
        return (
            _("Console request from %(address)s refused: not in the Allowed IP Addresses") % values
        )
    return _("Access from %(address)s refused: not in the Allowed IP Addresses") % values


def _token_created(d: Details) -> str:
    return _("API token %(token)s created with the company") % {"token": token(d.text("last4"))}


def _token_revealed(d: Details) -> str:
    values = {"token": token(d.text("last4"))}
    if d.get("which") == "pending":
        return _("Showed the new API token %(token)s before saving it") % values
    return _("Showed the API token %(token)s") % values


def _token_copied(d: Details) -> str:
    values = {"token": token(d.text("last4"))}
    if d.get("which") == "pending":
        return _("Copied the new API token %(token)s before saving it") % values
    return _("Copied the API token %(token)s") % values


def _token_generated(d: Details) -> str:
    return _("Generated the new API token %(token)s; it works only once saved") % {
        "token": token(d.text("last4"))
    }


def _token_activated(d: Details) -> str:
    new = _("Saved the new API token %(token)s") % {"token": token(d.text("last4"))}
    old_last4 = d.get("old_last4")
    if not old_last4:
        return new
    old = token(str(old_last4))
    grace = d.number("grace_seconds")
    if grace <= 0:
        return clauses([new, _("the old token %(token)s stopped working at once") % {"token": old}])
    until = format_when(d.text("old_stops_at"))
    if not until:
        raise Unworded("old_stops_at")
    return clauses(
        [
            new,
            _("the old token %(token)s keeps working %(duration)s, until %(until)s")
            % {"token": old, "duration": duration(grace), "until": until},
        ]
    )


def _token_expired(d: Details) -> str:
    return _("The old API token %(token)s stopped working: its grace period ended") % {
        "token": token(d.text("last4"))
    }


def _token_new_address(d: Details) -> str:
    return _("The API token %(token)s was used from %(address)s for the first time") % {
        "token": token(d.text("last4")),
        "address": address(d.get("address")),
    }


def _token_revoked(d: Details) -> str:
    values = {"token": token(d.text("last4"))}
    if d.get("early"):
        return _("Stopped the old API token %(token)s before its grace period ended") % values
    return _("Stopped the old API token %(token)s") % values


def _token_rotated(d: Details) -> str:
    values = {"token": token(d.text("last4"))}
    grace = d.number("grace_seconds")
    if grace <= 0:
        return _("Rotated the API token to %(token)s; the old token stopped working at once") % (
            values
        )
    return _("Rotated the API token to %(token)s; the old token keeps working %(duration)s") % {
        **values,
        "duration": duration(grace),
    }


def _tokens_reencrypted(d: Details) -> str:
    done, unchanged, stranded = d.number("reencrypted"), d.number("unchanged"), d.number("stranded")
    parts = [
        ngettext(
            "Re-encrypted %(count)s API token under the first key",
            "Re-encrypted %(count)s API tokens under the first key",
            done,
        )
        % {"count": done},
        ngettext("%(count)s already was", "%(count)s already were", unchanged)
        % {"count": unchanged},
    ]
    if stranded:
        parts.append(
            ngettext(
                "%(count)s cannot be decrypted with any configured key",
                "%(count)s cannot be decrypted with any configured key",
                stranded,
            )
            % {"count": stranded}
        )
    # Authenticator app secrets live under the same keys; counted since two-step verification.
    apps, apps_stranded = d.get("authenticator_apps"), d.get("authenticator_apps_stranded")
    if isinstance(apps, int) and apps:
        parts.append(
            ngettext(
                "re-encrypted %(count)s authenticator app secret",
                "re-encrypted %(count)s authenticator app secrets",
                apps,
            )
            % {"count": apps}
        )
    if isinstance(apps_stranded, int) and apps_stranded:
        parts.append(
            ngettext(
                "%(count)s authenticator app secret cannot be decrypted",
                "%(count)s authenticator app secrets cannot be decrypted",
                apps_stranded,
            )
            % {"count": apps_stranded}
        )
    return clauses(parts)


def _rate_limit_changed(d: Details) -> str:
    return _("API rate limit changed from %(old)s to %(new)s") % {
        "old": rate(d.get("from")),
        "new": rate(d.get("to")),
    }


def _flow_created(d: Details) -> str:
    variables = d.items("variables")
    values = {"name": d.text("name")}
    if not variables:
        return _("Created the flow “%(name)s”, without variables") % values
    return _("Created the flow “%(name)s” with the variables %(variables)s") % {
        **values,
        "variables": listed(variables),
    }


def _template_created(d: Details) -> str:
    return _("Created the message template “%(name)s” (%(language)s)") % {
        "name": d.text("name"),
        "language": d.text("language"),
    }


def _template_updated(d: Details) -> str:
    names = {"name": _("name"), "language": _("language"), "body": _("text")}
    changed = [names.get(field, field) for field in d.items("changed")]
    values = {"name": d.text("name")}
    if not changed:
        return _("Edited the message template “%(name)s”") % values
    return _("Edited the message template “%(name)s”: %(fields)s") % {
        **values,
        "fields": listed(changed),
    }


def _exported(d: Details) -> str:
    formats = {"csv": "CSV", "jsonl": "JSON Lines"}
    exported = _("Exported the activity as %(format)s") % {"format": formats[d.text("format")]}
    filters = d.get("filters") or {}
    if not isinstance(filters, dict):
        raise Unworded("filters")
    parts = []
    if filters.get("person"):
        parts.append(_("by %(person)s") % {"person": person(str(filters["person"]))})
    if filters.get("group") in GROUPS:
        parts.append(_("actions: %(group)s") % {"group": GROUPS[filters["group"]][0]})
    if filters.get("since"):
        parts.append(_("from %(date)s") % {"date": filters["since"]})
    if filters.get("until"):
        parts.append(_("to %(date)s") % {"date": filters["until"]})
    if not parts:
        return exported
    return _("%(exported)s (%(filters)s)") % {"exported": exported, "filters": ", ".join(parts)}


def _logged_in(d: Details) -> str:
    method = d.get("second_step")
    if method:
        return _("Logged in with their password and %(second_step)s") % {
            "second_step": second_step_name(method)
        }
    return _("Logged in")


def _sudo_confirmed(d: Details) -> str:
    if d.get("second_step"):
        return _("Confirmed their identity with their second step for a sensitive action")
    return _("Confirmed their password for a sensitive action")


def _sessions_ended_clause(d: Details) -> list[str]:
    count = d.get("sessions_ended")
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        return []
    return [
        ngettext("%(count)s session of theirs ended", "%(count)s sessions of theirs ended", count)
        % {"count": count}
    ]


def _email_preferences_changed(d: Details) -> str:
    subjects = {
        "company_security": _("company security changes"),
        "company_users": _("user changes"),
    }
    chosen = [
        (_("%(subject)s on") if d.get(key) else _("%(subject)s off")) % {"subject": subject}
        for key, subject in subjects.items()
        if key in d
    ]
    if not chosen:
        raise Unworded("company_security")
    return _("Chose their security emails: %(choices)s") % {"choices": ", ".join(chosen)}


def _token_discarded(d: Details) -> str:
    return _("Discarded the unsaved API token %(token)s") % {"token": token(d.text("last4"))}


def _fixed(text: Callable[[], str]) -> Callable[[Details], str]:
    return lambda _details: text()


WORDINGS: dict[str, Callable[[Details], str]] = {
    "login.succeeded": _logged_in,
    "login.failed": _login_failed,
    "login.locked_out": _login_locked_out,
    "login.address_refused": _fixed(
        lambda: _("Log-in refused: the address is not in the Allowed IP Addresses")
    ),
    "logout": _fixed(lambda: _("Logged out")),
    "password.changed": _password_changed,
    "password.reset_requested": _password_reset_requested,
    "password.reset": _fixed(lambda: _("Reset their password with the emailed link")),
    "password.change_required": _password_change_required,
    "sudo.confirmed": _sudo_confirmed,
    "sudo.failed": _fixed(lambda: _("Typed a wrong password to confirm a sensitive action")),
    "verification.failed": _verification_failed,
    "user.added": _user_added,
    "user.role_changed": _user_role_changed,
    "user.deactivated": _user_deactivated,
    "user.reactivated": _user_reactivated,
    "company.created": _company_created,
    "company.renamed": _company_renamed,
    "security.password_size_changed": _password_size_changed,
    "security.allowlist_changed": _allowlist_changed,
    "security.allowlist_cleared": _allowlist_cleared,
    "security.address_refused": _address_refused,
    "token.created": _token_created,
    "token.revealed": _token_revealed,
    "token.copied": _token_copied,
    "token.generated": _token_generated,
    "token.activated": _token_activated,
    "token.expired": _token_expired,
    "token.revoked": _token_revoked,
    "token.rotated": _token_rotated,
    "token.new_address": _token_new_address,
    "tokens.reencrypted": _tokens_reencrypted,
    "company.rate_limit_changed": _rate_limit_changed,
    "flow.created": _flow_created,
    "template.created": _template_created,
    "template.updated": _template_updated,
    "audit.exported": _exported,
    "email.preferences_changed": _email_preferences_changed,
    "token.discarded": _token_discarded,
    **SESSION_WORDINGS,
    **INTEGRATION_WORDINGS,
}
