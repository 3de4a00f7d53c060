"""POST /api/v1/templates/send: what is accepted, and every input that is refused."""

import json
from functools import partial

import pytest

from atom.outbox.models import Message
from tests import helpers
from tests.helpers import bearer

SEND = "/api/v1/templates/send"


def valid(template, **changes):
    body = {
        "templateId": str(template.id),
        "phoneNumber": "50755667788",
        "firstName": "Ana",
        "lastName": "Pérez",
        "params": {"1": "Ana", "2": "A-1001"},
    }
    body.update(changes)
    return body


@pytest.fixture
def send(client, acme_token):
    def post(body, *, token=acme_token, content_type="application/json", **extra):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        headers = bearer(token) if token else {}
        return client.post(SEND, data=data, content_type=content_type, **headers, **extra)

    return post


# Every refusal here also stores no message.
assert_refused = partial(helpers.assert_refused, nothing_in=Message)
refused_field = partial(helpers.refused_field, nothing_in=Message)


# Accepted


def test_it_stores_a_pending_message_with_the_rendered_text(send, greeting, acme):
    response = send(valid(greeting))
    assert response.status_code == 202
    message = Message.objects.get()
    assert response.json() == {"messageId": message.id, "status": "pending"}
    assert response["Location"] == f"/api/v1/messages/{message.id}"
    assert message.company == acme
    assert message.template == greeting
    assert message.text == "Hello Ana, your order A-1001 ships today."
    assert message.status == "pending"
    assert (message.first_name, message.last_name) == ("Ana", "Pérez")
    assert message.assign is False
    assert message.params == {"1": "Ana", "2": "A-1001"}


def test_it_accepts_the_template_id_as_a_number(send, greeting):
    assert send(valid(greeting, templateId=greeting.id)).status_code == 202


def test_it_accepts_numbers_as_params(send, greeting):
    send(valid(greeting, params={"1": "Ana", "2": 1001}))
    assert Message.objects.get().text == "Hello Ana, your order 1001 ships today."


def test_it_assigns_the_conversation_to_an_agent_when_asked(send, greeting):
    send(valid(greeting, assign=True))
    assert Message.objects.get().assign is True


def test_it_accepts_a_template_without_placeholders_and_no_params(send, acme):
    from atom.outbox.models import MessageTemplate

    plain = MessageTemplate.objects.create(company=acme, name="hi", language="en", body="Hi!")
    body = valid(plain)
    del body["params"]
    assert send(body).status_code == 202
    assert Message.objects.get().text == "Hi!"


def test_it_keeps_the_text_when_the_template_is_edited_later(send, greeting):
    send(valid(greeting))
    greeting.body = "Changed {{1}} {{2}}"
    greeting.save()
    assert Message.objects.get().text == "Hello Ana, your order A-1001 ships today."


def test_it_trims_the_customers_names(send, greeting):
    send(valid(greeting, firstName="  Ana ", lastName=" Pérez  "))
    message = Message.objects.get()
    assert (message.first_name, message.last_name) == ("Ana", "Pérez")


# Idempotency


def test_it_returns_the_first_message_for_a_repeated_key(send, greeting):
    first = send(valid(greeting), HTTP_IDEMPOTENCY_KEY="msg-1")
    again = send(valid(greeting), HTTP_IDEMPOTENCY_KEY="msg-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == first.json()
    assert Message.objects.count() == 1


def test_it_refuses_a_repeated_key_with_a_different_body(send, greeting):
    send(valid(greeting), HTTP_IDEMPOTENCY_KEY="msg-1")
    response = send(valid(greeting, firstName="Eva"), HTTP_IDEMPOTENCY_KEY="msg-1")
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert Message.objects.count() == 1


def test_it_refuses_a_key_used_on_a_flow_webhook(send, greeting, client, acme, acme_token):
    from atom.flows.models import Flow

    flow = Flow.objects.create(company=acme, name="F")
    client.post(
        f"/webhooks/flows/{flow.id}",
        data=json.dumps({"phoneNumber": "50755667788"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="shared",
        **bearer(acme_token),
    )
    assert send(valid(greeting), HTTP_IDEMPOTENCY_KEY="shared").status_code == 409
    assert Message.objects.count() == 0


def test_it_refuses_a_malformed_key(send, greeting):
    assert_refused(send(valid(greeting), HTTP_IDEMPOTENCY_KEY="x" * 256), 400, "validation_error")


# Refused: authentication and the body as a whole


def test_it_refuses_a_send_without_a_token(send, greeting):
    assert_refused(send(valid(greeting), token=None), 401, "token_missing")


def test_it_refuses_a_body_that_is_not_json(send, greeting):
    assert_refused(send("templateId=1"), 400, "validation_error")


def test_it_refuses_a_wrong_content_type(send, greeting):
    response = send(valid(greeting), content_type="text/plain")
    assert_refused(response, 415, "unsupported_media_type")


def test_it_refuses_a_body_over_64_kib(send, greeting):
    body = valid(greeting, params={"1": "x" * 1000, "2": "y"})
    body["padding"] = "z" * 70_000
    assert_refused(send(body), 413, "payload_too_large")


# Refused: the template


def test_it_refuses_an_unknown_template(send, greeting):
    response = send(valid(greeting, templateId=str(greeting.id + 1000)))
    assert_refused(response, 404, "not_found")
    assert "templateId" in response.json()["message"]


def test_it_refuses_another_companys_template_as_unknown(send, globex_template):
    body = valid(globex_template, params={"1": "Ana"})
    assert_refused(send(body), 404, "not_found")


# Refused: the fields


def test_it_refuses_a_missing_template_id(send, greeting):
    body = valid(greeting)
    del body["templateId"]
    refused_field(send(body), "templateId")


def test_it_refuses_a_template_id_that_is_not_a_number(send, greeting):
    refused_field(send(valid(greeting, templateId="order_shipped")), "templateId")


def test_it_refuses_a_template_id_of_zero(send, greeting):
    refused_field(send(valid(greeting, templateId=0)), "templateId")


def test_it_refuses_a_boolean_template_id(send, greeting):
    refused_field(send(valid(greeting, templateId=True)), "templateId")


def test_it_refuses_a_missing_phone_number(send, greeting):
    body = valid(greeting)
    del body["phoneNumber"]
    refused_field(send(body), "phoneNumber")


def test_it_refuses_a_phone_number_with_a_plus(send, greeting):
    refused_field(send(valid(greeting, phoneNumber="+50755667788")), "phoneNumber")


def test_it_refuses_a_phone_number_without_the_country_code(send, greeting):
    refused_field(send(valid(greeting, phoneNumber="5566778")), "phoneNumber")


def test_it_refuses_a_missing_first_name(send, greeting):
    body = valid(greeting)
    del body["firstName"]
    refused_field(send(body), "firstName")


def test_it_refuses_a_blank_first_name(send, greeting):
    refused_field(send(valid(greeting, firstName="   ")), "firstName")


def test_it_refuses_a_missing_last_name(send, greeting):
    body = valid(greeting)
    del body["lastName"]
    refused_field(send(body), "lastName")


def test_it_refuses_a_last_name_over_100_characters(send, greeting):
    refused_field(send(valid(greeting, lastName="P" * 101)), "lastName")


def test_it_refuses_a_control_character_in_a_name(send, greeting):
    refused_field(send(valid(greeting, firstName="Ana\u0000")), "firstName")


def test_it_refuses_an_assign_that_is_not_true_or_false(send, greeting):
    refused_field(send(valid(greeting, assign="yes")), "assign")


def test_it_refuses_a_missing_placeholder_value(send, greeting):
    message = refused_field(send(valid(greeting, params={"1": "Ana"})), "params.2")
    assert "{{2}}" in message


def test_it_refuses_missing_params_when_the_template_has_placeholders(send, greeting):
    body = valid(greeting)
    del body["params"]
    refused_field(send(body), "params.1", "params.2")


def test_it_refuses_a_value_for_a_placeholder_the_template_lacks(send, greeting):
    body = valid(greeting, params={"1": "Ana", "2": "A", "3": "extra"})
    refused_field(send(body), "params.3")


def test_it_refuses_a_boolean_param(send, greeting):
    refused_field(send(valid(greeting, params={"1": "Ana", "2": False})), "params.2")


def test_it_refuses_params_that_are_not_an_object(send, greeting):
    refused_field(send(valid(greeting, params=["Ana", "A"])), "params")


def test_it_refuses_an_unknown_field(send, greeting):
    refused_field(send(valid(greeting, clientName="Ana")), "clientName")


def test_it_names_every_wrong_field_in_one_answer(send, greeting):
    body = valid(greeting, phoneNumber="+1", firstName="", params={"1": "Ana"})
    refused_field(send(body), "phoneNumber", "firstName", "params.2")
