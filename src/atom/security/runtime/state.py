"""What each serving process knows about tokens and allowlists, kept fresh.

Checking a token or an address against the database on every request would
cost one round trip each and halve throughput (see docs/benchmarks.md). Each
process instead keeps the tokens and company allowlists it has used most
recently (at most ATOM_SECURITY_CACHE_ENTRIES of each; ``state.stats()``
tells how many and how often they answered), and at most every
ATOM_PROPAGATION_INTERVAL seconds asks whether anything changed
(atom.security.runtime.notifications): the row ``SecurityGeneration``, which every
save of a token or an allowlist raises in the same transaction, and with
REDIS_URL an announcement on Redis made after that commit. When either
moved, the process forgets everything it knew and reloads on demand. So a
Save on any process or host is enforced everywhere within the interval plus
one request; no announcement can be lost for good, because the database
that holds the change is read as well.

Time-based changes (a grace period ending, a pending token lapsing) need no
announcement: the cached expiry is compared with the clock on every request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv4Address, IPv6Address, ip_network
from typing import Any

from django.conf import settings

from atom.security.core.matcher import Matcher
from atom.security.core.scopes import COMPANY_TOKEN_SCOPES
from atom.security.models import (
    AllowedAddress,
    ApiToken,
    IntegrationToken,
    TokenStatus,
)
from atom.security.runtime.notifications import Watcher


@dataclass(frozen=True, slots=True)
class TokenState:
    id: int
    company_id: int
    status: str
    last4: str
    created_at: datetime
    # Epoch seconds after which the token is refused (grace end); None: never.
    expires_at: float | None
    grace_ends_at: datetime | None
    # What the token may call (atom.security.core.scopes): the company token
    # holds every scope but audit:read; an integration token those chosen.
    scopes: frozenset[str] = COMPANY_TOKEN_SCOPES
    # Integration tokens (atom.security.integrations) only: their own Allowed
    # IP Addresses (None: the company's list alone), and the end of their
    # lifetime in epoch seconds (None: never), kept apart from a grace end
    # so that the gate can answer token_expired rather than token_invalid.
    integration: bool = False
    matcher: Matcher | None = None
    lifetime_ends_at: float | None = None

    def is_valid(self, now: float) -> bool:
        if self.status == TokenStatus.ACTIVE:
            return self.lifetime_ends_at is None or now < self.lifetime_ends_at
        if self.status == TokenStatus.GRACE:
            return (
                self.expires_at is not None
                and now < self.expires_at
                and (self.lifetime_ends_at is None or now < self.lifetime_ends_at)
            )
        return False

    def is_expired(self, now: float) -> bool:
        """An integration token past its own lifetime (not a revoked one, not a grace end)."""
        return self.lifetime_ends_at is not None and now >= self.lifetime_ends_at


@dataclass(frozen=True, slots=True)
class CompanyState:
    id: int
    name: str
    slug: str
    matcher: Matcher
    rate_limit: int | None
    # Console session limits in seconds (Security Settings); None: no limit.
    idle_timeout_seconds: int | None = None
    session_length_seconds: int | None = None
    # Epoch seconds after which a user without a second factor reaches
    # nothing but its set-up; None: the company does not require it.
    two_factor_deadline: float | None = None

    def allows(self, address: IPv4Address | IPv6Address | None) -> bool:
        """An empty list means no restriction; an unknown address is never allowed."""
        if self.matcher.is_empty:
            return True
        return address is not None and self.matcher.allows(address)


class SecurityState:
    """This process's tables of tokens, headers and companies, each an LRU.

    Every table is bounded by ATOM_SECURITY_CACHE_ENTRIES (read when an entry
    is added, so a lower bound takes effect at the next miss): however many
    companies call, a process holds at most that many of each, and an
    evicted entry is loaded again on its next use (a token: one query; a
    company: two, its Allowed IP Addresses and the company joined with its
    policy). What a hit
    costs: one dict lookup, an O(1) ``move_to_end`` (an OrderedDict relinks
    one node of its list) and an integer increment, about 120 ns against the
    55 ns of the plain ``dict.get`` it replaced (an API call makes two such
    lookups, its header and its company); only a miss reads the setting and
    may evict (``popitem(last=False)``, O(1) too).

    No lock on these paths: gunicorn's sync workers run one request at a
    time, and with threads (the test live server) a table emptied or an
    entry evicted by another thread meanwhile only costs a reload; the
    counts of hits and misses may then be off by the racing increments.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: tuple[int, int] | None = None
        self._checked_at = float("-inf")
        # Known tokens (company and integration) by digest.
        self._tokens: OrderedDict[str, TokenState] = OrderedDict()
        # Digests of no token, so that a repeated bad token costs a lookup,
        # not a query. Apart from the known ones, so that random tokens can
        # never evict a company's token; emptied past its own bound.
        self._unknown: dict[str, None] = {}
        self._verified: OrderedDict[str, TokenState] = OrderedDict()
        self._companies: OrderedDict[int, CompanyState] = OrderedDict()
        self._last_use_written: OrderedDict[Hashable, float] = OrderedDict()
        # Counts every drop of the caches (a change seen, or forget()).
        self._drops = 0
        # Lookups answered from memory, and those that needed the database,
        # since the process started (a drop does not reset them).
        self._hits = 0
        self._misses = 0

    def _drop_tables(self) -> None:
        """Start every table afresh: new objects, so a lookup that captured
        the old ones before its query can only write into the dropped ones."""
        self._tokens = OrderedDict()
        self._unknown = {}
        self._verified = OrderedDict()
        self._companies = OrderedDict()

    def forget(self) -> None:
        with self._lock:
            self._drops += 1
            self._drop_tables()
            self._last_use_written = OrderedDict()
            self._generation = None
            self._checked_at = float("-inf")

    @property
    def generation(self) -> int:
        """A number that moves whenever this state drops what it knows.

        Other per-process caches of the request path (a webhook's flow)
        compare it with the one they were filled under and drop what they
        hold when it moved, so they follow the same change notification.
        """
        return self._drops

    def stats(self) -> dict[str, int | float]:
        """How big this process's tables are and how often they answered.

        ``entries`` counts the companies, tokens and verified headers held
        (each table holds at most ``limit``); ``hits`` and ``misses`` count
        lookups since the process started; ``hit_rate`` is hits over both
        (0.0 before any lookup).
        """
        hits, misses = self._hits, self._misses
        companies, tokens, headers = len(self._companies), len(self._tokens), len(self._verified)
        return {
            "entries": companies + tokens + headers,
            "companies": companies,
            "tokens": tokens,
            "headers": headers,
            "unknown_tokens": len(self._unknown),
            "limit": settings.ATOM_SECURITY_CACHE_ENTRIES,
            "hits": hits,
            "misses": misses,
            "hit_rate": hits / (hits + misses) if hits + misses else 0.0,
        }

    def refresh(self) -> None:
        """Drop what this process knows if another process saved a change.

        Called once per request, first thing, by whoever reads this state
        (the gate, the console allowlist); the lookups below never call it,
        so one request sees one consistent view. It only reads: ending grace
        periods is `atom prune`'s job, and enforcement compares expiries
        with the clock (TokenState.is_valid).
        """
        now = time.monotonic()
        if now - self._checked_at < settings.ATOM_PROPAGATION_INTERVAL:
            return
        value = watcher.observe()
        with self._lock:
            self._checked_at = now
            if value != self._generation:
                self._drops += 1
                self._drop_tables()
                self._generation = value

    def verified(self, header: str | None) -> TokenState | None:
        """The token of an Authorization header this process has already verified.

        Keyed by the header's exact text, a client repeating its header skips
        parsing and digesting it. Only headers of tokens that exist are kept
        (see token), so garbage cannot grow this; the cache is dropped with
        the rest on every change, and validity (a grace period ending) is
        still checked against the clock by the caller. A header not found
        here is not counted as a miss: the token lookup that follows counts.
        """
        if not header:
            return None
        verified = self._verified
        found = verified.get(header)
        if found is not None:
            self._hits += 1
            # _touch inlined on this path of every request (a call costs ~20 ns).
            try:
                verified.move_to_end(header)
            except KeyError:
                pass
        return found

    def token(self, digest: str, header: str | None = None) -> TokenState | None:
        """The token with this digest, loaded once per change; None if unknown.

        ``header``, the Authorization header it came from, is remembered for
        ``verified`` when the token exists.
        """
        return self._lookup(digest, header, _load_company_token)

    def integration_token(self, digest: str, header: str | None = None) -> TokenState | None:
        """The integration token with this digest (current or in grace), as ``token`` does."""
        return self._lookup(digest, header, load_integration_token)

    def _lookup(
        self, digest: str, header: str | None, load: Callable[[str], TokenState | None]
    ) -> TokenState | None:
        # Captured before the query: if another thread drops the caches
        # meanwhile, what this one read goes into the dropped tables, never
        # into the fresh ones where it could outlive the change.
        tokens, unknown, verified = self._tokens, self._unknown, self._verified
        state = tokens.get(digest)
        if state is not None:
            self._hits += 1
            _touch(tokens, digest)
            if header:
                _store(verified, header, state)
            return state
        if digest in unknown:
            self._hits += 1
            return None
        self._misses += 1
        state = load(digest)
        if state is None:
            # Bounded: random tokens with valid checksums must not grow memory.
            if len(unknown) >= settings.ATOM_UNKNOWN_TOKENS_REMEMBERED:
                unknown.clear()
            unknown[digest] = None
            return None
        _store(tokens, digest, state)
        if header:
            _store(verified, header, state)
        return state

    def last_use_due(self, token_id: Hashable, now: float, interval: float) -> bool:
        """True at most once per ``interval`` per token (or other key) in this process."""
        last = self._last_use_written.get(token_id)
        if last is not None and now - last < interval:
            return False
        # Bounded like the rest; past the bound the time written longest ago
        # goes (the likeliest to be due anyway): a forgotten key costs one
        # early write.
        _store(self._last_use_written, token_id, now)
        return True

    def company(self, company_id: int) -> CompanyState:
        companies = self._companies  # captured before loading: see _lookup()
        state = companies.get(company_id)
        if state is not None:
            self._hits += 1
            try:  # _touch inlined, as in verified()
                companies.move_to_end(company_id)
            except KeyError:
                pass
            return state
        self._misses += 1
        state = load_company_state(company_id)
        _store(companies, company_id, state)
        return state


def _touch(table: OrderedDict[Any, Any], key: Any) -> None:
    """Mark ``key`` as the most recently used: O(1), one node relinked."""
    # A key evicted or dropped by another thread meanwhile is reloaded on its next use.
    with suppress(KeyError):
        table.move_to_end(key)


def _store(table: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    """Add or refresh ``key`` as the most recently used, evicting the least recently used."""
    table[key] = value
    _touch(table, key)
    limit = settings.ATOM_SECURITY_CACHE_ENTRIES
    while len(table) > limit:
        try:
            table.popitem(last=False)
        except KeyError:
            break  # emptied by another thread meanwhile


def _load_company_token(digest: str) -> TokenState | None:
    row = (
        ApiToken.objects.filter(digest=digest)
        .values("id", "company_id", "status", "last4", "created_at", "expires_at")
        .first()
    )
    if row is None:
        return None
    expires = row["expires_at"]
    is_grace = row["status"] == TokenStatus.GRACE
    return TokenState(
        id=row["id"],
        company_id=row["company_id"],
        status=row["status"],
        last4=row["last4"],
        created_at=row["created_at"],
        expires_at=expires.timestamp() if is_grace and expires else None,
        grace_ends_at=expires if is_grace else None,
    )


def load_integration_token(digest: str) -> TokenState | None:
    """An integration token by its current digest, or by the one it had before a rotation."""
    from django.db.models import Q

    row = (
        IntegrationToken.objects.filter(Q(digest=digest) | Q(previous_digest=digest))
        .filter(revoked_at__isnull=True)
        .values(
            "id",
            "company_id",
            "digest",
            "last4",
            "previous_last4",
            "previous_ends_at",
            "created_at",
            "expires_at",
            "scopes",
            "allowed_networks",
        )
        .first()
    )
    if row is None:
        return None
    current = row["digest"] == digest
    grace_end = None if current else row["previous_ends_at"]
    if not current and grace_end is None:
        return None
    lifetime = row["expires_at"]
    # Stored entries were validated and canonicalized when saved.
    networks = [ip_network(text) for text in row["allowed_networks"]]
    return TokenState(
        id=row["id"],
        company_id=row["company_id"],
        status=TokenStatus.ACTIVE if current else TokenStatus.GRACE,
        last4=row["last4"] if current else row["previous_last4"],
        created_at=row["created_at"],
        expires_at=grace_end.timestamp() if grace_end else None,
        grace_ends_at=grace_end,
        scopes=frozenset(row["scopes"]),
        integration=True,
        matcher=Matcher(networks) if networks else None,
        lifetime_ends_at=lifetime.timestamp() if lifetime else None,
    )


def load_company_state(company_id: int) -> CompanyState:
    from atom.companies.models import Company

    # Stored entries were validated and canonicalized when saved.
    networks = [
        ip_network(text)
        for text in AllowedAddress.objects.filter(company_id=company_id).values_list(
            "network", flat=True
        )
    ]
    # The company, its policy and its two-step deadline in one query (a
    # LEFT JOIN on the policy's primary key): a miss is two indexed queries,
    # this and the Allowed IP Addresses.
    row = (
        Company.objects.filter(id=company_id)
        .values(
            "name",
            "slug",
            "api_rate_limit",
            "security__idle_timeout_minutes",
            "security__session_length_minutes",
            "security__require_two_factor",
            "security__two_factor_deadline",
        )
        .get()
    )
    deadline = row["security__two_factor_deadline"]
    return CompanyState(
        id=company_id,
        name=row["name"],
        slug=row["slug"],
        matcher=Matcher(networks),
        rate_limit=row["api_rate_limit"],
        idle_timeout_seconds=(row["security__idle_timeout_minutes"] or 0) * 60 or None,
        session_length_seconds=(row["security__session_length_minutes"] or 0) * 60 or None,
        two_factor_deadline=(
            deadline.timestamp()
            if row["security__require_two_factor"] and deadline is not None
            else None
        ),
    )


state = SecurityState()
watcher = Watcher()
