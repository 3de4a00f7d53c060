"""Load on a real `atom serve`: 32 connections posting to a flow webhook at once.

Half the posts repeat one of a few idempotency keys (retries racing each
other), half carry a key of their own. No answer may be an error, and the
database must end with exactly one run per key.
"""

import http.client
import json
import threading
import time
from collections import Counter, defaultdict

import pytest

from atom.api.models import IdempotencyKey
from atom.flows.models import Flow, FlowRun

CONNECTIONS = 32
SECONDS = 5.0
SHARED_KEYS = 40


@pytest.mark.servers
def test_it_serves_32_concurrent_connections_without_errors_or_duplicates(
    atom_servers, acme, acme_token
):
    acme.api_rate_limit = 1_000_000  # the load, not the rate limit, is under test
    acme.save(update_fields=["api_rate_limit"])
    flow = Flow.objects.create(company=acme, name="Load", variables=["key"])
    server = atom_servers(workers=4)
    path = f"/webhooks/flows/{flow.id}"
    results: list[tuple[str, int, int | None]] = []  # (key, status, runId)
    failures: list[str] = []
    stop_at = time.monotonic() + SECONDS

    def post(thread: int) -> None:
        sent = 0
        while time.monotonic() < stop_at:
            sent += 1
            key = f"shared-{sent % SHARED_KEYS}" if sent % 2 else f"own-{thread}-{sent}"
            body = json.dumps({"phoneNumber": "50755667788", "variables": {"key": key}})
            headers = {
                "Authorization": f"Bearer {acme_token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            }
            try:
                response = server.post(path, headers=headers, body=body, timeout=15)
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{key}: {type(exc).__name__}")
                continue
            run_id = response.json().get("runId") if response.status in (200, 202) else None
            results.append((key, response.status, run_id))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 30)
    elapsed = time.monotonic() - started

    statuses = Counter(status for _, status, _ in results)
    runs_by_key: dict[str, set[int]] = defaultdict(set)
    created_by_key: Counter[str] = Counter()
    for key, status, run_id in results:
        runs_by_key[key].add(run_id)
        created_by_key[key] += status == 202
    stored = Counter(FlowRun.objects.filter(flow=flow).values_list("variables__key", flat=True))
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    errors = len(failures) + sum(count for status, count in statuses.items() if status >= 400)
    print(
        f"\nload: {len(results) + len(failures)} requests in {elapsed:.1f}s "
        f"({len(results) / elapsed:.0f}/s) over {CONNECTIONS} connections; "
        f"statuses {dict(statuses)}; errors {errors}; duplicates {duplicates}; "
        f"runs stored {sum(stored.values())} for {len(runs_by_key)} keys"
    )

    assert failures == []
    assert set(statuses) <= {200, 202}, statuses
    assert len(results) > CONNECTIONS * 4
    assert statuses[200] > 0, "no key was repeated: the test proved nothing"
    assert all(len(ids) == 1 for ids in runs_by_key.values()), "a key answered two runs"
    assert all(created_by_key[key] == 1 for key in runs_by_key), "a key got two 202s"
    assert duplicates == 0
    assert set(stored) == set(runs_by_key)
    assert IdempotencyKey.objects.filter(company=acme).count() == len(runs_by_key)
