"""GET /api/v1/templates, /api/v1/templates/{id}, /api/v1/messages/{id}."""

import pytest

from atom.outbox.models import Message, MessageTemplate
from tests.helpers import bearer


@pytest.fixture
def get(client, acme_token):
    def fetch(path, token=acme_token):
        return client.get(path, **bearer(token))

    return fetch


def message_of(template):
    return Message.objects.create(
        company=template.company,
        template=template,
        phone_number="50755667788",
        first_name="Ana",
        last_name="Pérez",
        params={"1": "Ana", "2": "A-1"},
        text="Hello Ana, your order A-1 ships today.",
    )


def test_it_lists_the_companys_templates(get, greeting, globex_template):
    body = get("/api/v1/templates").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == greeting.id
    assert item["name"] == "order_shipped"
    assert item["language"] == "en"
    assert item["body"] == "Hello {{1}}, your order {{2}} ships today."
    assert item["placeholders"] == ["1", "2"]
    assert {"createdAt", "updatedAt"} <= set(item)


def test_it_pages_the_list_of_templates(get, acme):
    templates = [
        MessageTemplate.objects.create(company=acme, name=f"t{n}", language="en", body="x")
        for n in range(4)
    ]
    body = get("/api/v1/templates?limit=3&offset=3").json()
    assert body["count"] == 4
    assert [item["id"] for item in body["items"]] == [templates[3].id]


def test_it_gets_one_template(get, greeting):
    response = get(f"/api/v1/templates/{greeting.id}")
    assert response.status_code == 200
    assert response.json()["placeholders"] == ["1", "2"]


def test_it_gets_a_message_back_with_its_status_and_text(get, greeting):
    message = message_of(greeting)
    response = get(f"/api/v1/messages/{message.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == message.id
    assert body["templateId"] == greeting.id
    assert body["status"] == "pending"
    assert body["text"] == "Hello Ana, your order A-1 ships today."
    assert body["phoneNumber"] == "50755667788"
    assert (body["firstName"], body["lastName"], body["assign"]) == ("Ana", "Pérez", False)
    assert body["params"] == {"1": "Ana", "2": "A-1"}


def test_it_refuses_an_unknown_template(get, greeting):
    assert get(f"/api/v1/templates/{greeting.id + 1000}").status_code == 404


def test_it_refuses_an_unknown_message(get, greeting):
    assert get("/api/v1/messages/424242").status_code == 404


def test_it_refuses_the_templates_api_without_a_token(client, greeting):
    assert client.get("/api/v1/templates").status_code == 401


# Another company's token sees nothing of Acme's templates and messages.


def test_another_companys_token_gets_404_for_a_template(get, greeting, globex_token):
    response = get(f"/api/v1/templates/{greeting.id}", globex_token)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_companys_token_gets_404_for_a_message(get, greeting, globex_token):
    message = message_of(greeting)
    assert get(f"/api/v1/messages/{message.id}", globex_token).status_code == 404


def test_another_companys_token_lists_none_of_acmes_templates(get, greeting, globex_token):
    assert get("/api/v1/templates", globex_token).json() == {"items": [], "count": 0}
