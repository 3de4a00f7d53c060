"""What an integration token may do: the scopes, and the one check the gate makes.

Every operation of the Atom API and the flow webhooks names exactly one
scope (atom.api.auth.requires); a token carries a set of them. Least
privilege, as GitHub's fine-grained tokens and Stripe's restricted keys do
it: a shop that only starts flows gets ``flows:start`` and nothing it could
read with a leaked key.

The company API Token holds every scope but ``audit:read``: the audit log
says who did what to the company's security, so reading it is a decision
made per integration (a SIEM), never a side effect of the one shared token.

Framework-free: error messages are English templates marked for the
catalogue (atom.security.core.messages); the Django layer translates them.
"""

from __future__ import annotations

from collections.abc import Iterable

from atom.security.core.messages import CodedError, gettext_noop

# In the order the console lists them; the description is what the scope lets
# a caller do, shown beside each checkbox and in the API docs.
SCOPES: dict[str, str] = {
    "company:read": gettext_noop("Read your company's name and the calling token"),
    "flows:read": gettext_noop("List and read your flows"),
    "flows:start": gettext_noop("Start flows through their webhooks"),
    "flow-runs:read": gettext_noop("List and read flow runs and their status"),
    "templates:read": gettext_noop("List and read message templates"),
    "templates:send": gettext_noop("Send template messages"),
    "messages:read": gettext_noop("Read sent messages and their status"),
    "audit:read": gettext_noop("Read the audit log (Activity), for a SIEM"),
}

ALL_SCOPES = frozenset(SCOPES)
COMPANY_TOKEN_SCOPES = ALL_SCOPES - {"audit:read"}


class ScopeError(CodedError):
    """The scopes asked for a token cannot be granted."""


class NoScope(ScopeError):
    code = "no_scope"
    template = gettext_noop(
        "Scopes: choose at least one scope; a token without one can do nothing."
    )


class UnknownScope(ScopeError):
    code = "unknown_scope"
    template = gettext_noop(
        "Scopes: %(scope)s is not a scope of the Atom API; choose among %(known)s."
    )


def parse(values: Iterable[str]) -> tuple[str, ...]:
    """The scopes named in ``values``, each once, in the documented order.

    :raises UnknownScope: a value that is not in SCOPES (the first one met).
    :raises NoScope: no value at all.
    """
    wanted = set()
    for value in values:
        text = value.strip()
        if not text:
            continue
        if text not in SCOPES:
            raise UnknownScope(scope=text[:60], known=", ".join(SCOPES))
        wanted.add(text)
    if not wanted:
        raise NoScope()
    return tuple(scope for scope in SCOPES if scope in wanted)


def allows(granted: frozenset[str], required: str) -> bool:
    """Whether a token holding ``granted`` may call an operation needing ``required``."""
    return required in granted


def challenge(required: str) -> str:
    """The WWW-Authenticate value of a 403 insufficient_scope (RFC 6750 section 3.1)."""
    return f'Bearer realm="atom", error="insufficient_scope", scope="{required}"'
