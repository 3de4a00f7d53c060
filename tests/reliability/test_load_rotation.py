"""Webhook load over 32 connections while an admin rotates the token and edits the allowlist.

The suite posts the full 10,000 webhooks (about 20 s on SQLite and 35 s on
PostgreSQL on two cores; ``ATOM_LOAD_POSTS`` sets another count for a quick
local run, or a longer one). Meanwhile
the admin, in the console: saves a new token with the old one kept for an
hour (20% of the way), edits the allowlist twice (40%, 60%), and ends the old
token's grace early (80%).

Every request is judged against what was valid at the moment it was made.
Each admin change is known only to lie between the moment its request was
sent and the moment its answer came back, and a change that takes access
away may take the documented bound (BOUND) to reach every process:

* a grant (the new token, an added address) must not be honoured by a
  request answered before the change was even sent;
* a revocation (the old token, a removed address) must not be honoured by a
  request sent after the change was answered plus BOUND;
* and the other way round, nothing valid for certain may be refused.

No answer may be a 5xx; every 202 is stored exactly once, and nothing
refused is stored.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from atom.audit.actors import Actor
from atom.flows.models import Flow, FlowRun
from atom.security import api_tokens
from atom.security.core import tokens
from atom.security.models import AllowedAddress, ApiToken
from tests.console import Console
from tests.reliability.webhooks import labelled_post

pytestmark = pytest.mark.servers

POSTS = int(os.environ.get("ATOM_LOAD_POSTS", "10000"))
CONNECTIONS = 32
BOUND = 1.0  # seconds: 250 ms poll interval plus a request, with room for a busy machine
ALWAYS = "127.0.0.1\n127.0.1.0/24"
# Integrations post from 127.0.1.1-253 (always allowed), spread so that the
# deliberate failures stay under the 30-a-minute throttle of each address:
# 253 is prime to the mix's 20, so each address sees every kind of request.
SPREAD = 253


@dataclass
class Change:
    name: str
    sent: float = 0.0
    answered: float = 0.0


@dataclass
class Post:
    index: int
    token: str  # old, new, revoked or bogus
    source: str
    sent: float
    answered: float
    status: int
    run_id: int | None


def request_plan(index: int, changes: dict[str, Change]) -> tuple[str, str]:
    """Which token and source address request ``index`` uses: a fixed mix."""
    spread = f"127.0.1.{index % SPREAD + 1}"
    kind = index % 20
    if kind < 9:
        return "old", spread
    if kind < 15:
        return "new", spread
    if kind == 17:
        return "revoked", spread
    if kind == 18:
        return "bogus", spread
    # Allowlist probes, with a token valid for certain right now (so that
    # they never count as failed tokens of their address).
    rotation = changes["rotation"]
    settled = rotation.answered and time.monotonic() > rotation.answered + BOUND
    probe = {15: "127.0.0.2", 16: "127.0.0.3", 19: "127.0.0.4"}[kind]  # .4: never on the list
    return ("new" if settled else "old"), probe


def judge(post: Post, changes: dict[str, Change]) -> tuple[bool, bool]:
    """(may be accepted, must be accepted) for this post, given when the changes happened."""
    rotation, first, second, grace = (
        changes[name] for name in ("rotation", "first_edit", "second_edit", "end_of_grace")
    )

    def before(change: Change) -> bool:  # answered before the change was sent
        return not change.sent or post.answered < change.sent

    def after(change: Change) -> bool:  # sent after the change was answered and settled
        return bool(change.answered) and post.sent > change.answered + BOUND

    if post.token in ("revoked", "bogus") or post.source == "127.0.0.4":
        return False, False
    if post.token == "old":
        token_may, token_must = not after(grace), before(grace)
    else:
        token_may, token_must = not before(rotation), after(rotation)
    if post.source == "127.0.0.2":  # on the list, off at the first edit, on at the second
        address_may = not after(first) or not before(second)
        address_must = before(first) or after(second)
    elif post.source == "127.0.0.3":  # off the list, on at the first edit, off at the second
        address_may = not before(first) and not after(second)
        address_must = after(first) and before(second)
    else:
        address_may = address_must = True
    return token_may and address_may, token_must and address_must


def test_webhook_load_during_rotation_and_allowlist_edits(
    atom_servers, private_redis, acme, owner, acme_token
):
    acme.api_rate_limit = 1_000_000  # the load, not the rate limit, is under test
    acme.save(update_fields=["api_rate_limit"])
    flow = Flow.objects.create(company=acme, name="Load", variables=["n"])
    for position, network in enumerate(["127.0.0.1", "127.0.1.0/24", "127.0.0.2"]):
        AllowedAddress.objects.create(company=acme, network=network, position=position)
    # A token that was leaked and revoked before the load: it must never work.
    revoked = acme_token
    _row, old = api_tokens.rotate(acme, api_tokens.GRACE_CHOICES["0"], Actor.operator())
    old_row = ApiToken.objects.get(company=acme, status="active")
    # As in production: counters on Redis, four workers on two cores.
    server = atom_servers(workers=4, ATOM_ALLOW_PRIVATE_ADDRESSES="1", REDIS_URL=private_redis.url)

    console = Console(server)
    assert console.log_in(owner.email).status_code == 302
    form = console.security_form()  # the page is open; Generate does not reload it
    pending = console.generate_token()
    new = api_tokens.reveal(ApiToken.objects.get(id=pending))
    token_text = {"old": old, "new": new, "revoked": revoked, "bogus": None}

    changes = {
        name: Change(name) for name in ("rotation", "first_edit", "second_edit", "end_of_grace")
    }
    posts: list[Post] = []
    failures: list[str] = []
    lock = threading.Lock()
    next_index = iter(range(POSTS))
    path = f"/webhooks/flows/{flow.id}"

    def integration() -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            kind, source = request_plan(index, changes)
            token = token_text[kind] or tokens.generate()
            headers, body = labelled_post(token, str(index), key=f"load-{index}")
            sent = time.monotonic()
            try:
                response = server.post(path, headers=headers, body=body, source=source, timeout=30)
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{index}: {type(exc).__name__}")
                continue
            answered = time.monotonic()
            run_id = response.json().get("runId") if response.status == 202 else None
            with lock:
                posts.append(Post(index, kind, source, sent, answered, response.status, run_id))

    def admin_change(change: Change, at: float, post) -> None:
        while len(posts) + len(failures) < POSTS * at:
            time.sleep(0.01)
        change.sent = time.monotonic()
        response = post()
        change.answered = time.monotonic()
        assert response.status_code == 302, (
            change.name,
            re.findall(r'<ul class="errors".*?</ul>', response.text, re.S),
        )

    def admin() -> None:
        admin_change(
            changes["rotation"],
            0.2,
            lambda: console.post(
                "/settings/my-company/settings/security/",
                {**form, "pending_token": pending, "old_token_grace": "1h"},
            ),
        )
        admin_change(
            changes["first_edit"],
            0.4,
            lambda: console.post(
                "/settings/my-company/settings/security/",
                {**console.security_form(), "allowed_addresses": ALWAYS + "\n127.0.0.3"},
            ),
        )
        admin_change(
            changes["second_edit"],
            0.6,
            lambda: console.post(
                "/settings/my-company/settings/security/",
                {**console.security_form(), "allowed_addresses": ALWAYS + "\n127.0.0.2"},
            ),
        )
        admin_change(
            changes["end_of_grace"],
            0.8,
            lambda: console.post(
                f"/settings/my-company/settings/security/token/{old_row.id}/end-grace/",
                {"confirmed": "1"},
            ),
        )

    admin_errors: list[BaseException] = []

    def admin_thread() -> None:
        try:
            admin()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            admin_errors.append(exc)

    threads = [threading.Thread(target=integration) for _ in range(CONNECTIONS)]
    threads.append(threading.Thread(target=admin_thread))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.monotonic() - started

    assert admin_errors == []
    assert failures == []
    statuses = Counter(post.status for post in posts)
    wrongly_accepted = []
    wrongly_refused = []
    for post in posts:
        may, must = judge(post, changes)
        if post.status == 202 and not may:
            wrongly_accepted.append(post)
        if post.status != 202 and must:
            wrongly_refused.append(post)

    # str(): SQLite reads the JSON string "7" back as the number 7.
    rows = FlowRun.objects.filter(flow=flow).values_list("variables__n", "id")
    stored = Counter(str(label) for label, _ in rows)
    run_ids = {str(label): run_id for label, run_id in rows}
    accepted = {str(post.index): post.run_id for post in posts if post.status == 202}
    latencies = sorted(post.answered - post.sent for post in posts)
    # How long after a revocation was answered a request relying on it was
    # still accepted (the observed lag, to compare with BOUND).
    relied = {
        "first_edit": lambda post: (
            post.source == "127.0.0.2" and post.sent < changes["second_edit"].sent
        ),
        "end_of_grace": lambda post: post.token == "old",
    }
    lags = {
        name: max(
            (
                post.sent - changes[name].answered
                for post in posts
                if post.status == 202 and post.sent > changes[name].answered and uses(post)
            ),
            default=0.0,
        )
        for name, uses in relied.items()
    }
    print(
        f"\nload: {len(posts)} webhook posts in {elapsed:.1f}s ({len(posts) / elapsed:.0f}/s) "
        f"over {CONNECTIONS} connections; statuses {dict(sorted(statuses.items()))}; "
        f"latency median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms; "
        f"wrongly accepted {len(wrongly_accepted)}, wrongly refused {len(wrongly_refused)}; "
        f"stored {sum(stored.values())} for {len(accepted)} accepted, "
        f"duplicates {sum(count - 1 for count in stored.values())}; "
        f"last stale acceptance after a revocation: "
        + ", ".join(f"{name} {lag * 1000:.0f} ms" for name, lag in lags.items())
    )

    assert len(posts) == POSTS
    assert not any(status >= 500 for status in statuses), statuses
    assert set(statuses) <= {202, 401, 403}, statuses
    assert wrongly_accepted == [], wrongly_accepted[:5]
    assert wrongly_refused == [], wrongly_refused[:5]
    assert all(count == 1 for count in stored.values()), "a webhook was stored twice"
    assert set(stored) == set(accepted), "stored runs and 202s differ"
    assert all(run_ids[label] == run_id for label, run_id in accepted.items())
    # Every kind of request met every regime (the test proved something).
    for kind in ("old", "new", "revoked", "bogus"):
        assert any(post.token == kind for post in posts)
    assert statuses[401] > 0 and statuses[403] > 0
