"""POST /webhooks/flows/{flow_id}: what is accepted, and every input that is refused."""

import io
import json
from functools import partial

import pytest

from atom.flows.models import Flow, FlowRun
from tests import helpers
from tests.helpers import bearer

VALID = {"phoneNumber": "50755667788", "variables": {"orderId": "A-1001", "amount": 25.5}}


@pytest.fixture
def post(client, acme_token):
    """Post a JSON body (or raw bytes) to a flow's webhook with Acme's token."""

    def send(flow_id, body=VALID, *, token=acme_token, content_type="application/json", **extra):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        headers = bearer(token) if token else {}
        return client.post(
            f"/webhooks/flows/{flow_id}", data=data, content_type=content_type, **headers, **extra
        )

    return send


# Every refusal here also stores no run.
assert_refused = partial(helpers.assert_refused, nothing_in=FlowRun)
refused_field = partial(helpers.refused_field, nothing_in=FlowRun)


# Accepted


def test_it_stores_a_run_as_queued_and_answers_202(post, order_flow, acme):
    response = post(order_flow.id)
    assert response.status_code == 202
    body = response.json()
    run = FlowRun.objects.get()
    assert body == {"runId": run.id, "status": "queued"}
    assert run.company == acme
    assert run.flow == order_flow
    assert run.phone_number == "50755667788"
    assert run.variables == {"orderId": "A-1001", "amount": 25.5}
    assert run.status == "queued"


def test_it_points_to_the_run_in_the_location_header(post, order_flow):
    response = post(order_flow.id)
    assert response["Location"] == f"/api/v1/flow-runs/{response.json()['runId']}"


def test_it_accepts_whole_numbers_and_strings_as_values(post, order_flow):
    response = post(
        order_flow.id, {"phoneNumber": "50755667788", "variables": {"orderId": 7, "amount": "3"}}
    )
    assert response.status_code == 202
    assert FlowRun.objects.get().variables == {"orderId": 7, "amount": "3"}


def test_it_accepts_a_flow_without_variables_and_no_variables_field(post, acme):
    flow = Flow.objects.create(company=acme, name="Hello", variables=[])
    response = post(flow.id, {"phoneNumber": "50755667788"})
    assert response.status_code == 202
    assert FlowRun.objects.get().variables == {}


def test_it_accepts_a_utf8_charset_in_the_content_type(post, order_flow):
    response = post(order_flow.id, content_type="application/json; charset=utf-8")
    assert response.status_code == 202


def test_it_accepts_8_and_15_digit_phone_numbers(post, order_flow):
    for phone in ("50755667", "507556677889012"):
        response = post(order_flow.id, {**VALID, "phoneNumber": phone})
        assert response.status_code == 202, response.content


def test_it_accepts_a_body_of_exactly_64_kib(post, order_flow):
    body = json.dumps(VALID)
    padded = body[:-1] + " " * (64 * 1024 - len(body)) + "}"
    assert len(padded.encode()) == 64 * 1024
    assert post(order_flow.id, padded).status_code == 202


# Refused: authentication


def test_it_refuses_a_call_without_a_token(post, order_flow):
    assert_refused(post(order_flow.id, token=None), 401, "token_missing")


def test_it_refuses_a_call_with_an_invalid_token(post, order_flow):
    assert_refused(post(order_flow.id, token="atom_" + "x" * 46), 401, "token_invalid")


# Refused: the flow


def test_it_refuses_an_unknown_flow(post, order_flow):
    assert_refused(post(order_flow.id + 1000), 404, "not_found")


def test_it_refuses_another_companys_flow_as_unknown(post, globex_flow):
    assert_refused(post(globex_flow.id, {"phoneNumber": "50755667788"}), 404, "not_found")


def test_it_refuses_a_flow_id_beyond_any_database_integer(post, order_flow):
    assert_refused(post("9" * 30), 404, "not_found")


# Refused: the body as a whole


def test_it_refuses_a_body_that_is_not_json(post, order_flow):
    assert_refused(post(order_flow.id, "phoneNumber=50755667788"), 400, "validation_error")


def test_it_refuses_an_empty_body(post, order_flow):
    # The test client leaves out the content type of an empty body; a client would not.
    response = post(order_flow.id, b"", CONTENT_TYPE="application/json")
    assert_refused(response, 400, "validation_error")


def test_it_refuses_json_that_is_not_an_object(post, order_flow):
    response = post(order_flow.id, [VALID])
    assert_refused(response, 400, "validation_error")
    assert "JSON object" in response.json()["message"]


def test_it_refuses_nan_which_is_not_json(post, order_flow):
    body = '{"phoneNumber": "50755667788", "variables": {"orderId": "A", "amount": NaN}}'
    assert_refused(post(order_flow.id, body), 400, "validation_error")


def test_it_refuses_a_body_that_is_not_utf8(post, order_flow):
    assert_refused(post(order_flow.id, b'{"phoneNumber": "\xff"}'), 400, "validation_error")


def test_it_refuses_deeply_nested_json(post, order_flow):
    assert_refused(post(order_flow.id, "[" * 30_000 + "]" * 30_000), 400, "validation_error")


def test_it_refuses_a_form_content_type(post, order_flow):
    response = post(order_flow.id, content_type="application/x-www-form-urlencoded")
    assert_refused(response, 415, "unsupported_media_type")


def test_it_refuses_a_text_content_type(post, order_flow):
    assert_refused(post(order_flow.id, content_type="text/plain"), 415, "unsupported_media_type")


def test_it_refuses_a_charset_other_than_utf8(post, order_flow):
    response = post(order_flow.id, content_type="application/json; charset=latin-1")
    assert_refused(response, 415, "unsupported_media_type")


def test_it_refuses_a_body_over_64_kib(post, order_flow):
    body = json.dumps({**VALID, "variables": {"orderId": "x" * 70_000, "amount": 1}})
    response = post(order_flow.id, body)
    assert_refused(response, 413, "payload_too_large")
    assert "64 KiB" in response.json()["message"]


def test_it_refuses_a_declared_length_over_64_kib_before_reading(post, order_flow):
    # The declared length alone decides: the (short) body is never read.
    response = post(order_flow.id, CONTENT_LENGTH=str(64 * 1024 + 1))
    assert_refused(response, 413, "payload_too_large")


def chunked(body: bytes) -> dict:
    """What gunicorn passes for a chunked body: no length, the de-chunked stream."""
    return {
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
    }


def test_it_refuses_a_chunked_body_over_64_kib_while_reading(post, order_flow):
    body = json.dumps({**VALID, "variables": {"orderId": "x" * 70_000, "amount": 1}}).encode()
    response = post(order_flow.id, **chunked(body))
    assert_refused(response, 413, "payload_too_large")


def test_it_reads_a_small_chunked_body(post, order_flow):
    response = post(order_flow.id, **chunked(json.dumps(VALID).encode()))
    assert response.status_code == 202, response.content


def test_it_refuses_a_content_length_that_is_not_a_number(post, order_flow):
    assert_refused(post(order_flow.id, CONTENT_LENGTH="12abc"), 400, "validation_error")


# Refused: the fields


def test_it_refuses_a_missing_phone_number(post, order_flow):
    refused_field(post(order_flow.id, {"variables": VALID["variables"]}), "phoneNumber")


def test_it_refuses_a_phone_number_with_a_plus(post, order_flow):
    message = refused_field(
        post(order_flow.id, {**VALID, "phoneNumber": "+50755667788"}), "phoneNumber"
    )
    assert "without '+'" in message


def test_it_refuses_a_phone_number_of_7_digits(post, order_flow):
    refused_field(post(order_flow.id, {**VALID, "phoneNumber": "5075566"}), "phoneNumber")


def test_it_refuses_a_phone_number_of_16_digits(post, order_flow):
    refused_field(post(order_flow.id, {**VALID, "phoneNumber": "5" * 16}), "phoneNumber")


def test_it_refuses_a_phone_number_with_spaces(post, order_flow):
    refused_field(post(order_flow.id, {**VALID, "phoneNumber": "507 5566 7788"}), "phoneNumber")


def test_it_refuses_a_phone_number_with_non_ascii_digits(post, order_flow):
    refused_field(post(order_flow.id, {**VALID, "phoneNumber": "٥٠٧٥٥٦٦٧٧٨٨"}), "phoneNumber")


def test_it_refuses_a_phone_number_sent_as_a_number(post, order_flow):
    refused_field(post(order_flow.id, {**VALID, "phoneNumber": 50755667788}), "phoneNumber")


def test_it_refuses_a_missing_variable(post, order_flow):
    body = {"phoneNumber": "50755667788", "variables": {"orderId": "A-1"}}
    message = refused_field(post(order_flow.id, body), "variables.amount")
    assert "required" in message


def test_it_refuses_missing_variables_when_the_flow_expects_some(post, order_flow):
    refused_field(
        post(order_flow.id, {"phoneNumber": "50755667788"}), "variables.orderId", "variables.amount"
    )


def test_it_refuses_an_unexpected_variable(post, order_flow):
    body = {**VALID, "variables": {**VALID["variables"], "coupon": "X"}}
    message = refused_field(post(order_flow.id, body), "variables.coupon")
    assert "orderId, amount" in message


def test_it_refuses_a_boolean_value(post, order_flow):
    body = {**VALID, "variables": {"orderId": True, "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_a_null_value(post, order_flow):
    body = {**VALID, "variables": {"orderId": None, "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_an_object_value(post, order_flow):
    body = {**VALID, "variables": {"orderId": {"id": 1}, "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_a_list_value(post, order_flow):
    body = {**VALID, "variables": {"orderId": ["A"], "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_a_number_beyond_what_json_clients_read_exactly(post, order_flow):
    body = {**VALID, "variables": {"orderId": 2**53, "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_a_value_over_1000_characters(post, order_flow):
    body = {**VALID, "variables": {"orderId": "x" * 1001, "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_a_nul_character_in_a_value(post, order_flow):
    body = {**VALID, "variables": {"orderId": "A\u0000", "amount": 1}}
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_a_lone_surrogate_in_a_value(post, order_flow):
    body = '{"phoneNumber": "50755667788", "variables": {"orderId": "\\ud800", "amount": 1}}'
    refused_field(post(order_flow.id, body), "variables.orderId")


def test_it_refuses_variables_that_are_not_an_object(post, order_flow):
    refused_field(post(order_flow.id, {**VALID, "variables": ["A-1", 2]}), "variables")


def test_it_refuses_an_unknown_field(post, order_flow):
    message = refused_field(post(order_flow.id, {**VALID, "phone": "1"}), "phone")
    assert "not a field" in message


def test_it_names_every_wrong_field_in_one_answer(post, order_flow):
    body = {"phoneNumber": "+1", "variables": {"orderId": True, "coupon": 1}}
    refused_field(
        post(order_flow.id, body),
        "phoneNumber",
        "variables.orderId",
        "variables.amount",
        "variables.coupon",
    )


def test_it_refuses_a_flow_id_that_is_not_a_number(post, order_flow):
    assert_refused(post("order-shipped"), 404, "not_found")
