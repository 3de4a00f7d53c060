"""GET /api/v1/flows, /api/v1/flows/{id}, /api/v1/flows/{id}/runs, /api/v1/flow-runs/{id}."""

import pytest

from atom.flows.models import Flow, FlowRun
from tests.helpers import bearer


def run_of(flow, phone="50755667788", **variables):
    return FlowRun.objects.create(
        company=flow.company, flow=flow, phone_number=phone, variables=variables
    )


@pytest.fixture
def get(client, acme_token):
    def fetch(path, token=acme_token):
        return client.get(path, **bearer(token))

    return fetch


def test_it_lists_the_companys_flows_with_their_webhook_urls(get, order_flow, globex_flow):
    response = get("/api/v1/flows")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == order_flow.id
    assert item["name"] == "Order shipped"
    assert item["variables"] == ["orderId", "amount"]
    assert item["webhookUrl"] == f"http://testserver/webhooks/flows/{order_flow.id}"
    assert "createdAt" in item


def test_it_pages_the_list_of_flows(get, acme):
    flows = [Flow.objects.create(company=acme, name=f"Flow {n}") for n in range(5)]
    body = get("/api/v1/flows?limit=2&offset=2").json()
    assert body["count"] == 5
    assert [item["id"] for item in body["items"]] == [flows[2].id, flows[3].id]


def test_it_refuses_a_page_size_over_100(get, order_flow):
    response = get("/api/v1/flows?limit=101")
    assert response.status_code == 400
    assert response.json()["error"] == "validation_error"


def test_it_refuses_a_negative_offset(get, order_flow):
    assert get("/api/v1/flows?offset=-1").status_code == 400


def test_it_refuses_an_absurd_offset(get, order_flow):
    assert get(f"/api/v1/flows?offset={2**64}").status_code == 400


def test_it_gets_one_flow(get, order_flow):
    response = get(f"/api/v1/flows/{order_flow.id}")
    assert response.status_code == 200
    assert response.json()["name"] == "Order shipped"


def test_it_gets_a_run_with_its_status(get, order_flow):
    run = run_of(order_flow, orderId="A-1", amount=2)
    response = get(f"/api/v1/flow-runs/{run.id}")
    assert response.status_code == 200
    assert response.json() == {
        "id": run.id,
        "flowId": order_flow.id,
        "status": "queued",
        "phoneNumber": "50755667788",
        "variables": {"orderId": "A-1", "amount": 2},
        "createdAt": response.json()["createdAt"],
    }


def test_it_lists_a_flows_runs_newest_first(get, order_flow):
    runs = [run_of(order_flow, orderId=str(n), amount=n) for n in range(3)]
    body = get(f"/api/v1/flows/{order_flow.id}/runs").json()
    assert body["count"] == 3
    assert [item["id"] for item in body["items"]] == [run.id for run in reversed(runs)]


def test_it_refuses_an_unknown_run(get, order_flow):
    response = get("/api/v1/flow-runs/999999")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_it_refuses_the_api_without_a_token(client, order_flow):
    response = client.get("/api/v1/flows")
    assert response.status_code == 401
    assert response.json()["error"] == "token_missing"


# Another company's token sees nothing of Acme's flows and runs.


def test_another_companys_token_gets_404_for_a_flow(get, order_flow, globex_token):
    assert get(f"/api/v1/flows/{order_flow.id}", globex_token).status_code == 404


def test_another_companys_token_gets_404_for_a_flows_runs(get, order_flow, globex_token):
    run_of(order_flow, orderId="A", amount=1)
    assert get(f"/api/v1/flows/{order_flow.id}/runs", globex_token).status_code == 404


def test_another_companys_token_gets_404_for_a_run(get, order_flow, globex_token):
    run = run_of(order_flow, orderId="A", amount=1)
    response = get(f"/api/v1/flow-runs/{run.id}", globex_token)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_companys_token_lists_none_of_acmes_flows(get, order_flow, globex_token):
    assert get("/api/v1/flows", globex_token).json() == {"items": [], "count": 0}
