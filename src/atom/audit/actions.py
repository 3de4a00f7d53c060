"""The catalogue of audit actions: the code stored, and what the console shows."""

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
    "verification.failed": _("Password or code check failed"),
    "user.added": _("User added"),
    "user.role_changed": _("User role changed"),
    "user.deactivated": _("User deactivated"),
    "user.reactivated": _("User reactivated"),
    "company.created": _("Company created"),
    "company.renamed": _("Company renamed"),
    "security.password_size_changed": _("Password Size changed"),
    "security.allowlist_changed": _("Allowed IP Addresses changed"),
    "security.allowlist_cleared": _("Allowed IP Addresses cleared"),
    "security.address_refused": _("Access refused from an address not allowed"),
    "token.created": _("API token created"),
    "token.revealed": _("API token revealed"),
    "token.copied": _("API token copied"),
    "token.generated": _("New API token generated"),
    "token.activated": _("New API token saved"),
    "token.expired": _("Old API token expired"),
    "token.revoked": _("Old API token revoked"),
    "token.rotated": _("API token rotated by an operator"),
    "company.rate_limit_changed": _("API rate limit changed"),
    "flow.created": _("Flow created"),
    "template.created": _("Message template created"),
    "template.updated": _("Message template edited"),
}


def label(action: str) -> str:
    return str(LABELS.get(action, action))
