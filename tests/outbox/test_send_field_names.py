"""POST /api/v1/templates/send reads exactly the documented camelCase fields.

`template_id` used to pass validation (the schema also accepted field
names) while the view looked the template up under `templateId`, answering
404 "there is no template None" for a template that exists.
"""

import json

import pytest

from atom.outbox.models import Message
from tests.helpers import bearer, refused_field

SEND = "/api/v1/templates/send"


def body(template, **fields):
    data = {
        "templateId": str(template.id),
        "phoneNumber": "50755667788",
        "firstName": "Ana",
        "lastName": "Pérez",
        "params": {"1": "Ana", "2": "A-1001"},
    }
    data.update(fields)
    return data


def send(client, token, data):
    return client.post(
        SEND, data=json.dumps(data), content_type="application/json", **bearer(token)
    )


def test_it_refuses_template_id_in_snake_case_naming_both_spellings(client, acme_token, greeting):
    data = body(greeting)
    data["template_id"] = data.pop("templateId")
    message = refused_field(
        send(client, acme_token, data), "templateId", "template_id", nothing_in=Message
    )
    assert "templateId: is required" in message
    assert "template_id: is not a field of this request" in message


@pytest.mark.parametrize(
    ("camel", "snake"),
    [("phoneNumber", "phone_number"), ("firstName", "first_name"), ("lastName", "last_name")],
)
def test_it_refuses_every_field_in_snake_case(client, acme_token, greeting, camel, snake):
    data = body(greeting)
    data[snake] = data.pop(camel)
    message = refused_field(send(client, acme_token, data), camel, snake, nothing_in=Message)
    assert f"{snake}: is not a field of this request" in message


def test_it_refuses_a_field_sent_under_both_spellings(client, acme_token, greeting):
    data = body(greeting, template_id=str(greeting.id))
    refused_field(send(client, acme_token, data), "template_id", nothing_in=Message)


def test_it_refuses_an_unknown_field_by_name(client, acme_token, greeting):
    message = refused_field(
        send(client, acme_token, body(greeting, priority="high")), "priority", nothing_in=Message
    )
    assert message == "priority: is not a field of this request"


def test_it_documents_that_no_other_field_is_accepted(client):
    spec = client.get("/api/openapi.json").json()
    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]
        for path in spec["paths"].values()
        for operation in path.values()
        if "requestBody" in operation
    ]
    assert len(bodies) >= 2  # the template send and the flow webhook
    for schema in bodies:
        assert schema["additionalProperties"] is False
        assert all("_" not in name for name in schema["properties"])
