"""Group commit (atom.api.group_commit): several requests' rows in one transaction.

``idempotency.store`` is what both ways call: the worker of `atom serve`
with the group it gathered, and a view without that worker with a group of
one. Its rules come first; then real `atom serve` processes show that
concurrent webhook calls are stored in groups, each answered only after its
group's COMMIT, and that a worker told to stop answers what it holds.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from atom.api import idempotency
from atom.api.errors import ApiError
from atom.api.models import IdempotencyKey
from atom.flows.models import Flow, FlowRun


def run_intake(flow: Flow, key: str | None, body: bytes = b"{}") -> idempotency.Intake:
    digest = None if key is None else f"{len(body):064d}"
    row = FlowRun(company_id=flow.company_id, flow=flow, phone_number="50755667788")
    return idempotency.Intake(flow.company_id, key, digest, row)


def test_it_stores_a_group_of_rows_and_keys_with_two_statements(order_flow):
    group = [run_intake(order_flow, f"key-{n}") for n in range(5)] + [run_intake(order_flow, None)]
    with CaptureQueriesContext(connection) as queries:
        idempotency.store(group)
    statements = [
        q["sql"].split()[0].upper()
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT"))
    ]
    assert statements == ["INSERT", "INSERT"], queries.captured_queries
    outcomes = [each.outcome() for each in group]
    assert all(created for _, created in outcomes)
    assert sorted(row.pk for row, _ in outcomes) == sorted(FlowRun.objects.values_list("id", flat=True))
    keys = IdempotencyKey.objects.values_list("key", "resource_id")
    assert sorted(keys) == sorted((f"key-{n}", group[n].row.pk) for n in range(5))


def test_it_answers_the_same_key_twice_in_one_group_with_the_first_row(order_flow):
    first, again = run_intake(order_flow, "same"), run_intake(order_flow, "same")
    idempotency.store([first, again])
    (row, created), (replayed, created_again) = first.outcome(), again.outcome()
    assert (created, created_again) == (True, False)
    assert replayed.pk == row.pk
    assert FlowRun.objects.count() == IdempotencyKey.objects.count() == 1


def test_it_refuses_only_the_intake_whose_key_was_used_with_another_body(order_flow):
    idempotency.store([run_intake(order_flow, "used", b"first body")])
    group = [run_intake(order_flow, "used", b"another body"), run_intake(order_flow, "new")]
    idempotency.store(group)
    with pytest.raises(ApiError) as refused:
        group[0].outcome()
    assert refused.value.status == 409
    assert group[1].outcome()[1] is True
    assert FlowRun.objects.count() == 2  # the first request's run and the new one


# A real COMMIT: the foreign key is checked there (deferred, on both databases).
@pytest.mark.django_db(transaction=True)
def test_it_stores_the_others_when_one_row_of_the_group_breaks(order_flow, acme):
    gone = Flow.objects.create(company=acme, name="Deleted a moment ago", variables=[])
    broken = run_intake(gone, "broken")
    # Deleted in the database while the process still holds it in memory.
    Flow.objects.filter(id=gone.id).delete()
    group = [run_intake(order_flow, "a"), broken, run_intake(order_flow, "b")]
    idempotency.store(group)
    with pytest.raises(IntegrityError):
        broken.outcome()
    assert [each.outcome()[1] for each in (group[0], group[2])] == [True, True]
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["a", "b"]
    assert FlowRun.objects.count() == 2


# Real servers ---------------------------------------------------------------

THREADS = 16


def poster(server, flow, token, accepted, failures, stop):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(thread: int) -> None:
        sent = 0
        while not stop():
            key = f"group-{thread}-{sent}"
            sent += 1
            body = json.dumps({"phoneNumber": "50755667788", "variables": {"orderId": key, "amount": 1}})
            try:
                response = server.post(
                    f"/webhooks/flows/{flow.id}",
                    headers={**headers, "Idempotency-Key": key},
                    body=body,
                    timeout=15,
                )
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{key}: {type(exc).__name__}")
                continue
            if response.status == 202:
                accepted.append((response.json()["runId"], key))
            else:
                failures.append(f"{key}: {response.status} {response.body[:200]!r}")

    return [threading.Thread(target=post, args=(n,)) for n in range(THREADS)]


def unlimited(company):
    company.api_rate_limit = 1_000_000  # the load, not the rate limit, is under test
    company.save(update_fields=["api_rate_limit"])


@pytest.mark.servers
def test_it_stores_concurrent_webhook_calls_in_groups(atom_servers, acme, acme_token, order_flow):
    unlimited(acme)
    server = atom_servers(workers=1)
    accepted: list[tuple[int, str]] = []
    failures: list[str] = []
    deadline = time.monotonic() + 3
    threads = poster(
        server, order_flow, acme_token, accepted, failures, lambda: time.monotonic() > deadline
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert len(accepted) >= 100
    stored = dict(FlowRun.objects.values_list("id", "variables__orderId"))
    assert {run_id: key for run_id, key in accepted} == stored  # every 202 stored, nothing else
    # The keys of one group are inserted by one statement, with one timestamp.
    groups = Counter(IdempotencyKey.objects.values_list("created_at", flat=True))
    print(
        f"\ngroup commit: {len(accepted)} calls from {THREADS} connections in {len(groups)} "
        f"transactions, {len(accepted) / len(groups):.1f} per transaction, "
        f"largest {max(groups.values())}"
    )
    assert len(groups) < len(accepted) / 2
    assert max(groups.values()) <= 64  # ATOM_GROUP_COMMIT_MAX


@pytest.mark.servers
def test_it_answers_every_parked_call_when_told_to_stop(atom_servers, acme, acme_token, order_flow):
    unlimited(acme)
    server = atom_servers(workers=2)
    accepted: list[tuple[int, str]] = []
    failures: list[str] = []
    stopping = threading.Event()
    threads = poster(server, order_flow, acme_token, accepted, failures, stopping.is_set)
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(accepted) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.stop()  # SIGTERM: the workers finish, commit and answer what they hold
    stopping.set()
    for thread in threads:
        thread.join(timeout=30)

    assert len(accepted) >= 50
    stored = dict(FlowRun.objects.values_list("id", "variables__orderId"))
    print(
        f"\ngroup commit, stopped under load: {len(accepted)} answered 202, {len(stored)} "
        f"stored, {len(failures)} calls found no server"
    )
    # Every run stored was answered 202: no parked call was left without its answer.
    assert {run_id: key for run_id, key in accepted} == stored
    # Calls after the stop find no server: refused connections, not errors.
    refused = {"ConnectionRefusedError", "ConnectionResetError", "RemoteDisconnected"}
    assert all(failure.split(": ")[1] in refused for failure in failures), failures[:5]
