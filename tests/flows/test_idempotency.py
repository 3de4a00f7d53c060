"""Idempotency-Key on the flow webhook (the same helper serves template sends)."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from atom.api.models import IdempotencyKey
from atom.flows.models import Flow, FlowRun
from tests.helpers import bearer

BODY = {"phoneNumber": "50755667788", "variables": {"orderId": "A-1001", "amount": 25}}


@pytest.fixture
def post(client, acme_token):
    def send(flow, key, body=BODY, *, token=acme_token):
        return client.post(
            f"/webhooks/flows/{flow.id}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **bearer(token),
        )

    return send


def test_it_returns_the_first_run_for_a_repeated_key_and_stores_nothing_new(post, order_flow):
    first = post(order_flow, "order-1001")
    again = post(order_flow, "order-1001")
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert FlowRun.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_it_stores_one_run_per_distinct_key(post, order_flow):
    assert post(order_flow, "a").status_code == 202
    assert post(order_flow, "b").status_code == 202
    assert FlowRun.objects.count() == 2


def test_it_stores_every_call_without_a_key(client, order_flow, acme_token):
    for _ in range(2):
        response = client.post(
            f"/webhooks/flows/{order_flow.id}",
            data=json.dumps(BODY),
            content_type="application/json",
            **bearer(acme_token),
        )
        assert response.status_code == 202
    assert FlowRun.objects.count() == 2


def test_it_refuses_the_same_key_with_a_different_body_as_a_conflict(post, order_flow):
    post(order_flow, "order-1001")
    other = {**BODY, "phoneNumber": "50799998888"}
    response = post(order_flow, "order-1001", other)
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert FlowRun.objects.count() == 1


def test_it_refuses_the_same_key_on_another_flow_as_a_conflict(post, order_flow, acme):
    other_flow = Flow.objects.create(company=acme, name="Other", variables=["orderId", "amount"])
    post(order_flow, "order-1001")
    response = post(other_flow, "order-1001")
    assert response.status_code == 409
    assert FlowRun.objects.count() == 1


def test_it_keeps_keys_apart_between_companies(post, order_flow, globex, globex_token):
    globex_flow = Flow.objects.create(company=globex, name="G", variables=["orderId", "amount"])
    assert post(order_flow, "shared-key").status_code == 202
    assert post(globex_flow, "shared-key", token=globex_token).status_code == 202
    assert FlowRun.objects.count() == 2


def test_it_forgets_a_key_after_24_hours(post, order_flow):
    first = post(order_flow, "order-1001")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    again = post(order_flow, "order-1001", {**BODY, "phoneNumber": "50799998888"})
    assert again.status_code == 202
    assert again.json()["runId"] != first.json()["runId"]
    assert FlowRun.objects.count() == 2
    assert IdempotencyKey.objects.get().resource_id == again.json()["runId"]


def test_it_still_knows_a_key_just_under_24_hours_old(post, order_flow):
    post(order_flow, "order-1001")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=59))
    assert post(order_flow, "order-1001").status_code == 200


def test_it_does_not_spend_a_key_on_a_refused_request(post, order_flow):
    refused = post(order_flow, "order-1001", {"phoneNumber": "+1"})
    assert refused.status_code == 400
    assert post(order_flow, "order-1001").status_code == 202


def test_it_accepts_a_key_of_255_characters(post, order_flow):
    assert post(order_flow, "k" * 255).status_code == 202


def test_it_accepts_a_key_with_punctuation_and_inner_spaces(post, order_flow):
    assert post(order_flow, "order 1001/retry:#2").status_code == 202


def test_it_refuses_a_key_of_256_characters(post, order_flow):
    response = post(order_flow, "k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["message"]
    assert FlowRun.objects.count() == 0


def test_it_refuses_an_empty_key(post, order_flow):
    assert post(order_flow, "").status_code == 400
    assert FlowRun.objects.count() == 0


def test_it_refuses_a_key_with_a_control_character(post, order_flow):
    assert post(order_flow, "order\t1001").status_code == 400
    assert FlowRun.objects.count() == 0


def test_it_refuses_a_key_with_non_ascii_characters(post, order_flow):
    assert post(order_flow, "pedido-ñ").status_code == 400
    assert FlowRun.objects.count() == 0


def test_the_database_refuses_a_second_record_for_one_key(order_flow, acme):
    IdempotencyKey.objects.create(company=acme, key="k", fingerprint="a" * 64, resource_id=1)
    with pytest.raises(IntegrityError):
        IdempotencyKey.objects.create(company=acme, key="k", fingerprint="b" * 64, resource_id=2)


def test_it_answers_with_the_first_run_when_a_concurrent_request_took_the_key(
    post, order_flow, monkeypatch
):
    from atom.api import idempotency

    first = post(order_flow, "order-1001")
    real = idempotency.earlier
    lookups = []

    def not_yet_committed(*args):
        # The first lookup runs before the other request commits; only the
        # unique constraint then stops this one.
        lookups.append(args)
        return None if len(lookups) == 1 else real(*args)

    monkeypatch.setattr(idempotency, "earlier", not_yet_committed)
    again = post(order_flow, "order-1001")
    assert again.status_code == 200
    assert again.json()["runId"] == first.json()["runId"]
    assert FlowRun.objects.count() == 1
    assert len(lookups) == 2


def test_it_refuses_a_repeated_key_whose_run_no_longer_exists(post, order_flow):
    post(order_flow, "order-1001")
    FlowRun.objects.all().delete()
    response = post(order_flow, "order-1001")
    assert response.status_code == 409
    assert "no longer exists" in response.json()["message"]
    assert FlowRun.objects.count() == 0


def test_it_stores_a_webhook_call_with_two_statements_and_no_lookup(post, order_flow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(order_flow, "warm-up")  # the flow is now in memory, the token's last use written
    with CaptureQueriesContext(connection) as queries:
        assert post(order_flow, "order-1001").status_code == 202
    statements = [
        q["sql"].split()[0].upper()
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT"))
    ]
    # The run and the key: no flow query, no lookup of the key, no delete.
    assert statements == ["INSERT", "INSERT"], queries.captured_queries


def test_it_frees_an_expired_key_that_prune_has_not_removed_yet(post, order_flow):
    first = post(order_flow, "order-1001")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = post(order_flow, "order-1001")
    assert again.status_code == 202 and again.json()["runId"] != first.json()["runId"]
    assert IdempotencyKey.objects.count() == 1
