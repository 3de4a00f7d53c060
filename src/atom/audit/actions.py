"""The catalogue of audit actions: the code stored, its label, and its groups.

Every action written by ``record()`` anywhere in the code is listed here
(a test greps the callers to keep it so); the Activity page offers the
groups as a filter.
"""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "login.succeeded": _("Logged in"),
    "login.failed": _("Log-in failed"),
    "login.locked_out": _("Log-in locked out"),
    "login.address_refused": _("Log-in refused from an address not allowed"),
    "logout": _("Logged out"),
    "password.changed": _("Password changed"),
    "password.reset_requested": _("Password reset requested"),
    "password.reset": _("Password reset"),
    "password.change_required": _("Password change required"),
    "sudo.confirmed": _("Password confirmed for a sensitive action"),
    "sudo.failed": _("Password confirmation failed"),
    "session.timed_out": _("Session timed out"),
    "session.ended": _("Session ended"),
    "sessions.ended": _("Sessions ended"),
    "twofactor.app_added": _("Authenticator app added"),
    "twofactor.app_removed": _("Authenticator app removed"),
    "twofactor.passkey_added": _("Passkey added"),
    "twofactor.passkey_removed": _("Passkey removed"),
    "twofactor.recovery_codes_generated": _("Recovery codes generated"),
    "twofactor.recovery_code_used": _("Recovery code used"),
    "twofactor.failed": _("Second step refused"),
    "twofactor.disabled": _("Two-step verification turned off"),
    "twofactor.reset": _("Two-step verification reset"),
    "verification.failed": _("Password or code check failed"),
    "user.added": _("User added"),
    "user.role_changed": _("User role changed"),
    "user.deactivated": _("User deactivated"),
    "user.reactivated": _("User reactivated"),
    "email.preferences_changed": _("Security emails chosen"),
    "company.created": _("Company created"),
    "company.renamed": _("Company renamed"),
    "security.password_size_changed": _("Password Size changed"),
    "security.allowlist_changed": _("Allowed IP Addresses changed"),
    "security.allowlist_cleared": _("Allowed IP Addresses cleared"),
    "security.address_refused": _("Access refused from an address not allowed"),
    "security.two_factor_required": _("Two-step verification required"),
    "security.two_factor_not_required": _("Two-step verification no longer required"),
    "security.idle_timeout_changed": _("Idle timeout changed"),
    "security.session_length_changed": _("Maximum session length changed"),
    "token.created": _("API token created"),
    "token.revealed": _("API token revealed"),
    "token.copied": _("API token copied"),
    "token.generated": _("New API token generated"),
    "token.discarded": _("New API token discarded"),
    "token.activated": _("New API token saved"),
    "token.expired": _("Old API token expired"),
    "token.revoked": _("Old API token revoked"),
    "token.rotated": _("API token rotated by an operator"),
    "tokens.reencrypted": _("API tokens re-encrypted by an operator"),
    "token.new_address": _("API token used from a new address"),
    "integration.created": _("Integration token created"),
    "integration.rotated": _("Integration token rotated"),
    "integration.revoked": _("Integration token revoked"),
    "integration.expiring": _("Integration token expiring soon"),
    "integration.expired": _("Integration token expired"),
    "integration.new_address": _("Integration token used from a new address"),
    "integration.max_lifetime_changed": _("Integration token maximum lifetime changed"),
    "company.rate_limit_changed": _("API rate limit changed"),
    "flow.created": _("Flow created"),
    "template.created": _("Message template created"),
    "template.updated": _("Message template edited"),
    "audit.exported": _("Activity exported"),
}

# What a reader looks for, in the order the filter offers it. Each action
# sits in the group of the thing it changes; "Operator" also gathers the
# break-glass commands run at the server (`atom ...`), which an admin
# audits as a set: who touched the company from outside the console.
GROUPS = {
    "api_token": (
        _("API Token"),
        (
            "token.created",
            "token.revealed",
            "token.copied",
            "token.generated",
            "token.discarded",
            "token.activated",
            "token.expired",
            "token.revoked",
            "token.rotated",
            "tokens.reencrypted",
            "token.new_address",
        ),
    ),
    "integration_tokens": (
        _("Integration tokens"),
        (
            "integration.created",
            "integration.rotated",
            "integration.revoked",
            "integration.expiring",
            "integration.expired",
            "integration.new_address",
            "integration.max_lifetime_changed",
        ),
    ),
    "allowlist": (
        _("Allowed IP Addresses"),
        ("security.allowlist_changed", "security.allowlist_cleared", "security.address_refused"),
    ),
    "password_size": (_("Password Size"), ("security.password_size_changed",)),
    "two_step": (
        _("Two-step verification"),
        (
            "security.two_factor_required",
            "security.two_factor_not_required",
            "twofactor.app_added",
            "twofactor.app_removed",
            "twofactor.passkey_added",
            "twofactor.passkey_removed",
            "twofactor.recovery_codes_generated",
            "twofactor.recovery_code_used",
            "twofactor.failed",
            "twofactor.disabled",
            "twofactor.reset",
        ),
    ),
    "sessions": (
        _("Sessions"),
        (
            "security.idle_timeout_changed",
            "security.session_length_changed",
            "session.timed_out",
            "session.ended",
            "sessions.ended",
        ),
    ),
    "users": (
        _("Users"),
        (
            "user.added",
            "user.role_changed",
            "user.deactivated",
            "user.reactivated",
            "email.preferences_changed",
        ),
    ),
    "sign_in": (
        _("Sign-in and passwords"),
        (
            "login.succeeded",
            "login.failed",
            "login.locked_out",
            "login.address_refused",
            "logout",
            "sudo.confirmed",
            "sudo.failed",
            "verification.failed",
            "password.changed",
            "password.reset_requested",
            "password.reset",
            "password.change_required",
        ),
    ),
    "flows": (_("Flows and templates"), ("flow.created", "template.created", "template.updated")),
    "company": (
        _("Company"),
        ("company.created", "company.renamed", "company.rate_limit_changed", "audit.exported"),
    ),
    "operator": (
        _("Operator commands"),
        (
            "company.created",
            "token.rotated",
            "tokens.reencrypted",
            "twofactor.reset",
            "security.allowlist_cleared",
            "company.rate_limit_changed",
        ),
    ),
}


def label(action: str) -> str:
    """The action's label; an action this catalogue does not know yet, in words."""
    if action in LABELS:
        return str(LABELS[action])
    return action.replace(".", " ").replace("_", " ").capitalize()


def group_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, (name, _actions) in GROUPS.items()]


def group_actions(code: str) -> tuple[str, ...]:
    return GROUPS[code][1]
