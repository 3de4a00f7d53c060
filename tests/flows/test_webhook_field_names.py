"""The flow webhook reads exactly the documented camelCase fields."""

import json

from atom.flows.models import FlowRun
from tests.helpers import bearer, refused_field


def post(client, token, flow, data):
    return client.post(
        f"/webhooks/flows/{flow.id}",
        data=json.dumps(data),
        content_type="application/json",
        **bearer(token),
    )


def test_it_refuses_phone_number_in_snake_case(client, acme_token, order_flow):
    data = {"phone_number": "50755667788", "variables": {"orderId": "A-1", "amount": 1}}
    message = refused_field(
        post(client, acme_token, order_flow, data),
        "phoneNumber",
        "phone_number",
        nothing_in=FlowRun,
    )
    assert "phone_number: is not a field of this request" in message


def test_it_refuses_an_unknown_field_by_name(client, acme_token, order_flow):
    data = {"phoneNumber": "50755667788", "variables": {"orderId": "A-1", "amount": 1}, "flow": 3}
    message = refused_field(post(client, acme_token, order_flow, data), "flow", nothing_in=FlowRun)
    assert message == "flow: is not a field of this request"
