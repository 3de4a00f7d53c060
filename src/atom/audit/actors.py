"""Who makes a change: a user in the console, an operator at the `atom`
command, or Atom itself. Write services take one explicitly (Zulip's
``acting_user``), so a service never needs the HTTP request to know whom to
audit, and the console and the CLI call the very same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atom.audit.models import ActorType


@dataclass(frozen=True)
class Actor:
    type: str
    label: str = ""
    user: Any = None
    # Where the change came from: the console user's address and browser.
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def for_user(cls, user, *, ip: str | None = None, user_agent: str = "") -> Actor:
        return cls(ActorType.USER, user.email, user, ip, user_agent[:300])

    @classmethod
    def from_request(cls, request) -> Actor:
        """The logged-in user of a console request, or an anonymous visitor."""
        address = getattr(request, "client_ip", None)
        ip = None if address is None else str(address)
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return cls(ActorType.USER, user.email, user, ip, agent)
        return cls(ActorType.ANONYMOUS, "", None, ip, agent)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(ActorType.ANONYMOUS)

    @classmethod
    def operator(cls) -> Actor:
        """Someone with shell access running an `atom` command."""
        return cls(ActorType.OPERATOR, "operator")

    @classmethod
    def system(cls) -> Actor:
        """Atom itself: a sweep, a first token."""
        return cls(ActorType.SYSTEM, "Atom")

    @property
    def is_user(self) -> bool:
        return self.user is not None
