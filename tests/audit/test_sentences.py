"""Every audit action reads as a sentence, in English and in Spanish, and never fails."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from atom.audit.actions import GROUPS, LABELS
from atom.audit.sentences import actor_name, describe
from atom.audit.wordings import WORDINGS
from tests.audit.integration_examples import INTEGRATION_EXAMPLES

SOURCE = Path(__file__).resolve().parents[2] / "src" / "atom"

# One example per action, with the details its record() caller stores.
EXAMPLES = {
    "login.succeeded": ({}, "Logged in"),
    "login.failed": ({"email": "x@acme.example"}, "Log-in failed for x@acme.example"),
    "login.locked_out": (
        {"email": "x@acme.example"},
        "Log-ins for x@acme.example from this address paused after too many failures",
    ),
    "login.address_refused": (
        {},
        "Log-in refused: the address is not in the Allowed IP Addresses",
    ),
    "logout": ({}, "Logged out"),
    "password.changed": ({"required": True}, "Changed their password, as they were asked to"),
    "password.reset_requested": (
        {"email": "x@acme.example"},
        "Password reset link requested for x@acme.example",
    ),
    "password.reset": ({}, "Reset their password with the emailed link"),
    "password.change_required": (
        {"reason": "policy", "minimum": 20},
        "Asked to choose a new password: theirs is shorter than the Password Size of 20 characters",
    ),
    "sudo.confirmed": ({}, "Confirmed their password for a sensitive action"),
    "sudo.failed": ({}, "Typed a wrong password to confirm a sensitive action"),
    "user.added": ({"email": "x@acme.example", "role": "agent"}, "Added x@acme.example as Agent"),
    "user.role_changed": (
        {"email": "x@acme.example", "from": "agent", "to": "admin"},
        "Changed the role of x@acme.example from Agent to Admin",
    ),
    "user.deactivated": ({"email": "x@acme.example"}, "Deactivated x@acme.example"),
    "user.reactivated": ({"email": "x@acme.example"}, "Reactivated x@acme.example"),
    "company.created": (
        {"name": "Acme", "slug": "acme", "owner": "owner@acme.example"},
        "Created the company “Acme” with the owner owner@acme.example",
    ),
    "company.renamed": (
        {"from": "Acme", "to": "Acme Inc"},
        "Renamed the company from “Acme” to “Acme Inc”",
    ),
    "security.password_size_changed": (
        {"from": 15, "to": 12},
        "Password Size changed from 15 to 12",
    ),
    "security.allowlist_changed": (
        {
            "added": ["203.0.113.7", "198.51.100.0/24"],
            "removed": ["192.0.2.1"],
            "relabeled": [],
            "count": 2,
        },
        "Added 203.0.113.7 and 198.51.100.0/24 to the Allowed IP Addresses; removed 192.0.2.1",
    ),
    "security.allowlist_cleared": (
        {"removed": ["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"]},
        "Cleared the Allowed IP Addresses (203.0.113.7, 198.51.100.0/24 and 2001:db8::/32): "
        "every address may connect",
    ),
    "security.address_refused": (
        {"via": "api", "address": "203.0.113.9"},
        "API call from 203.0.113.9 refused: not in the Allowed IP Addresses",
    ),
    "token.created": ({"last4": "FMHY"}, "API token …FMHY created with the company"),
    "token.revealed": ({"last4": "FMHY", "which": "active"}, "Showed the API token …FMHY"),
    "token.copied": (
        {"last4": "FMHY", "which": "pending"},
        "Copied the new API token …FMHY before saving it",
    ),
    "token.generated": (
        {"last4": "Q2ZX"},
        "Generated the new API token …Q2ZX; it works only once saved",
    ),
    "token.activated": (
        {
            "last4": "Q2ZX",
            "old_last4": "FMHY",
            "grace_seconds": 604800,
            "old_stops_at": "2026-12-08T13:53:20.123456+00:00",
        },
        "Saved the new API token …Q2ZX; the old token …FMHY keeps working 7 days, "
        "until 8 Dec 2026, 13:53 UTC",
    ),
    "token.new_address": (
        {"last4": "FMHY", "address": "200.1.2.3"},
        "The API token …FMHY was used from 200.1.2.3 for the first time",
    ),
    "token.expired": (
        {"last4": "FMHY"},
        "The old API token …FMHY stopped working: its grace period ended",
    ),
    "token.revoked": (
        {"last4": "FMHY", "early": True},
        "Stopped the old API token …FMHY before its grace period ended",
    ),
    **INTEGRATION_EXAMPLES,
    "token.rotated": (
        {"last4": "Q2ZX", "grace_seconds": 86400},
        "Rotated the API token to …Q2ZX; the old token keeps working 24 hours",
    ),
    "tokens.reencrypted": (
        {"reencrypted": 3, "unchanged": 1, "stranded": 2},
        "Re-encrypted 3 API tokens under the first key; 1 already was; "
        "2 cannot be decrypted with any configured key",
    ),
    "company.rate_limit_changed": (
        {"from": None, "to": 100},
        "API rate limit changed from the default to 100 requests a second",
    ),
    "flow.created": (
        {"flow_id": 12, "name": "Orders", "variables": ["phone", "order"]},
        "Created the flow “Orders” with the variables phone and order",
    ),
    "template.created": (
        {"template_id": 3, "name": "welcome", "language": "es"},
        "Created the message template “welcome” (es)",
    ),
    "template.updated": (
        {"template_id": 3, "name": "welcome", "changed": ["body", "language"]},
        "Edited the message template “welcome”: text and language",
    ),
    "verification.failed": (
        {"where": "sudo", "email": "x@acme.example", "locked_out": False},
        "Typed a wrong password to confirm a sensitive action",
    ),
    "email.preferences_changed": (
        {"company_security": True, "company_users": False},
        "Chose their security emails: company security changes on, user changes off",
    ),
    "token.discarded": ({"last4": "Q2ZX"}, "Discarded the unsaved API token …Q2ZX"),
    "security.two_factor_required": (
        {"grace_hours": 72},
        "Two-step verification required of every user; those without it have 3 days to set it up",
    ),
    "security.two_factor_not_required": (
        {},
        "Two-step verification no longer required of every user",
    ),
    "security.idle_timeout_changed": (
        {"from_minutes": 0, "to_minutes": 30},
        "Idle timeout changed from no limit to 30 minutes",
    ),
    "security.session_length_changed": (
        {"from_minutes": 720, "to_minutes": 480},
        "Maximum session length changed from 12 hours to 8 hours",
    ),
    "session.timed_out": (
        {"email": "x@acme.example", "limit": "idle"},
        "Signed out after being inactive longer than the idle timeout",
    ),
    "session.ended": (
        {"email": "x@acme.example", "browser": "Firefox 133", "system": "Ubuntu"},
        "Ended the session of x@acme.example in Firefox 133 on Ubuntu",
    ),
    "sessions.ended": (
        {"email": "x@acme.example", "reason": "password_changed", "count": 2},
        "Ended 2 sessions of x@acme.example: their password changed",
    ),
    "twofactor.app_added": ({}, "Set up an authenticator app for two-step verification"),
    "twofactor.app_removed": ({}, "Removed their authenticator app"),
    "twofactor.passkey_added": ({"name": "YubiKey"}, "Added the passkey “YubiKey”"),
    "twofactor.passkey_removed": ({"name": "YubiKey"}, "Removed the passkey “YubiKey”"),
    "twofactor.recovery_codes_generated": (
        {"email": "x@acme.example", "count": 10},
        "Generated 10 new recovery codes for x@acme.example",
    ),
    "twofactor.recovery_code_used": (
        {"left": 1},
        "Logged in with a recovery code; 1 is left",
    ),
    "twofactor.failed": (
        {"where": "login", "method": "app", "reason": "reused"},
        "Second step refused at log-in: an authenticator app code, but it was already used",
    ),
    "twofactor.disabled": (
        {"email": "x@acme.example"},
        "Two-step verification turned off for x@acme.example",
    ),
    "twofactor.reset": (
        {"email": "x@acme.example", "had_second_factor": True},
        "Reset two-step verification for x@acme.example: they must set it up again",
    ),
    "audit.exported": (
        {"format": "csv", "filters": {"group": "api_token", "since": "2026-12-01"}},
        "Exported the activity as CSV (actions: API Token, from 2026-12-01)",
    ),
}


def event(action: str, details=None, **fields) -> SimpleNamespace:
    return SimpleNamespace(action=action, details=details or {}, ip=None, **fields)


def recorded_actions() -> set[str]:
    """Every action passed to record() anywhere in the source."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record":
                    if node.args:
                        found |= _possible_actions(node.args[0], function)
    return found


_DOTTED = re.compile(r"[a-z_]+\.[a-z_.]+")


def _possible_actions(node: ast.expr, function: ast.AST) -> set[str]:
    """The actions an argument can be: a literal; either side of `a if c else b`; the
    catalogued actions an f-string such as f"security.{name}_changed" can spell; or, for a
    variable, the dotted literals of its function (`for ..., action in (..., "a.b")`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _possible_actions(node.body, function) | _possible_actions(node.orelse, function)
    if isinstance(node, ast.JoinedStr):
        pattern = "".join(
            re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
            for part in node.values
        )
        spelled = {action for action in LABELS if re.fullmatch(pattern, action)}
        assert spelled, f"no catalogued action fits record({ast.unparse(node)})"
        return spelled
    if isinstance(node, ast.Name):
        named = {
            part.value
            for part in ast.walk(function)
            if isinstance(part, ast.Constant)
            and isinstance(part.value, str)
            and _DOTTED.fullmatch(part.value)
        }
        assert named, f"record({node.id}): no action literal in its function"
        return named
    raise AssertionError(f"record() with an action that is not a literal: {ast.unparse(node)}")


def test_it_catalogues_and_words_every_action_the_code_records():
    recorded = recorded_actions()
    assert len(recorded) > 30
    assert recorded - set(LABELS) == set()
    assert set(LABELS) == set(WORDINGS) == set(EXAMPLES)


def test_it_puts_every_action_in_a_group_and_groups_only_known_actions():
    grouped = {action for _name, actions in GROUPS.values() for action in actions}
    assert grouped == set(LABELS)


@pytest.mark.parametrize("action", sorted(EXAMPLES))
def test_it_writes_each_action_as_a_sentence(action):
    details, sentence = EXAMPLES[action]
    assert describe(event(action, details)) == sentence


@pytest.mark.parametrize("action", sorted(EXAMPLES))
def test_it_writes_each_sentence_in_spanish(action):
    details, sentence = EXAMPLES[action]
    with translation.override("es"):
        spanish = describe(event(action, details))
    assert spanish != sentence
    # What the admin typed or the system stored stays as it was.
    for value in ("x@acme.example", "…FMHY", "203.0.113.7", "Orders", "welcome"):
        if value in sentence:
            assert value in spanish


def test_it_writes_an_allowlist_change_in_spanish():
    details, _sentence = EXAMPLES["security.allowlist_changed"]
    with translation.override("es"):
        assert describe(event("security.allowlist_changed", details)) == (
            "Agregó 203.0.113.7 y 198.51.100.0/24 a las direcciones IP permitidas; quitó 192.0.2.1"
        )


def test_it_writes_the_old_tokens_end_in_spanish():
    details, _sentence = EXAMPLES["token.activated"]
    with translation.override("es"):
        assert describe(event("token.activated", details)) == (
            "Guardó el nuevo token de API …Q2ZX; el token anterior …FMHY sigue funcionando "
            "7 días, hasta el 8 dic 2026, 13:53 UTC"
        )


def test_it_names_the_second_step_of_a_log_in():
    sentence = describe(event("login.succeeded", {"second_step": "passkey"}))
    assert sentence == "Logged in with their password and a passkey"


def test_it_counts_the_sessions_a_deactivation_ended():
    details = {"email": "x@acme.example", "sessions_ended": 3}
    assert describe(event("user.deactivated", details)) == (
        "Deactivated x@acme.example; 3 sessions of theirs ended"
    )


def test_it_says_when_the_old_token_stopped_at_once():
    details = {"last4": "Q2ZX", "old_last4": "FMHY", "grace_seconds": 0, "old_stops_at": "x"}
    assert describe(event("token.activated", details)) == (
        "Saved the new API token …Q2ZX; the old token …FMHY stopped working at once"
    )


def test_it_names_a_grace_of_one_hour_in_hours():
    details = {"last4": "Q2ZX", "grace_seconds": 3600}
    assert describe(event("token.rotated", details)).endswith("keeps working 1 hour")


def test_it_says_the_allowlist_is_empty_after_removing_the_last_address():
    details = {"added": [], "removed": ["192.0.2.1"], "relabeled": [], "count": 0}
    assert describe(event("security.allowlist_changed", details)) == (
        "Removed 192.0.2.1 from the Allowed IP Addresses; "
        "the list is now empty: every address may connect"
    )


def test_it_shortens_a_long_list_of_addresses():
    added = [f"203.0.113.{n}" for n in range(1, 26)]
    sentence = describe(
        event("security.allowlist_changed", {"added": added, "removed": [], "count": 25})
    )
    assert sentence.startswith("Added 203.0.113.1, 203.0.113.2,")
    assert sentence.endswith("203.0.113.10 and 15 more to the Allowed IP Addresses")


def test_it_names_a_refused_console_request_from_an_unknown_address():
    details = {"via": "console", "address": "unknown"}
    assert describe(event("security.address_refused", details)) == (
        "Console request from an unknown address refused: not in the Allowed IP Addresses"
    )


def test_it_falls_back_to_a_readable_sentence_for_an_unknown_action():
    details = {"devices": ["phone", "laptop"], "enabled": True, "note": None}
    assert describe(event("security.two_factor_enabled", details)) == (
        "Security two factor enabled (devices: phone and laptop; enabled: yes; note: none)"
    )


def test_it_falls_back_to_the_label_when_a_known_action_lacks_its_details():
    assert describe(event("token.activated", {})) == "New API token saved"
    assert describe(event("security.password_size_changed", {"from": "x"})) == (
        "Password Size changed (from: x)"
    )


@pytest.mark.parametrize(
    "details",
    [None, [], "text", {"from": [1]}, {"to": {"a": 1}}, {"added": "1.2.3.4"}, {"format": "pdf"}],
)
def test_it_never_fails_on_odd_details(details):
    for action in [*LABELS, "made.up"]:
        assert describe(event(action, details))


def test_it_never_shows_a_secret_key_in_the_fallback():
    sentence = describe(event("made.up", {"token": "atom_live_secret", "count": 2}))
    assert "atom_live_secret" not in sentence
    assert sentence == "Made up (count: 2)"


def test_it_names_actors_by_email_or_by_kind():
    user = SimpleNamespace(actor_type="user", actor_label="owner@acme.example")
    operator = SimpleNamespace(actor_type="operator", actor_label="operator")
    atom = SimpleNamespace(actor_type="system", actor_label="Atom")
    assert actor_name(user) == "owner@acme.example"
    assert actor_name(operator) == "Operator"
    with translation.override("es"):
        assert actor_name(operator) == "Operador"
        assert actor_name(atom) == "Atom"
