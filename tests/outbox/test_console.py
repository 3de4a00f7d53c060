"""Settings > Templates in the console."""

from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.outbox.models import MessageTemplate

TEMPLATES = reverse("outbox:templates")
ADD = reverse("outbox:template_add")
BODY = "Hello {{1}}, your order {{2}} ships today."


def edit(template):
    return reverse("outbox:template_edit", kwargs={"template_id": template.id})


def test_it_lists_templates_with_their_ids_to_an_agent(as_user, agent, greeting):
    response = as_user(agent).get(TEMPLATES)
    assert response.status_code == 200
    html = response.content.decode()
    assert "order_shipped" in html
    assert f"<td>{greeting.id}</td>" in html
    assert ADD not in html
    assert edit(greeting) not in html


def test_it_offers_add_and_edit_to_an_admin(as_user, admin, greeting):
    html = as_user(admin).get(TEMPLATES).content.decode()
    assert ADD in html
    assert edit(greeting) in html


def test_it_lets_an_admin_add_a_template_and_audits_it(as_user, admin, acme):
    response = as_user(admin).post(
        ADD, {"name": "order_shipped", "language": "pt_BR", "body": BODY}
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get(company=acme)
    assert (template.name, template.language, template.body) == ("order_shipped", "pt_BR", BODY)
    assert template.created_by == admin
    event = AuditEvent.objects.get(action="template.created")
    assert event.actor_user == admin
    assert event.details == {
        "template_id": template.id,
        "name": "order_shipped",
        "language": "pt_BR",
    }


def test_it_lets_the_owner_edit_a_template_and_audits_the_change(as_user, owner, greeting):
    response = as_user(owner).post(
        edit(greeting), {"name": "order_shipped", "language": "en", "body": "Hi {{1}}"}
    )
    assert response.status_code == 302
    greeting.refresh_from_db()
    assert greeting.body == "Hi {{1}}"
    event = AuditEvent.objects.get(action="template.updated")
    assert event.details == {
        "template_id": greeting.id,
        "name": "order_shipped",
        "changed": ["body"],
    }


def test_it_records_nothing_when_an_edit_changes_nothing(as_user, owner, greeting):
    as_user(owner).post(edit(greeting), {"name": greeting.name, "language": "en", "body": BODY})
    assert not AuditEvent.objects.filter(action="template.updated").exists()


def test_it_shows_the_edit_form_filled_in(as_user, owner, greeting):
    html = as_user(owner).get(edit(greeting)).content.decode()
    assert 'value="order_shipped"' in html
    assert "Hello {{1}}" in html


def test_it_refuses_the_add_page_to_an_agent(as_user, agent):
    assert as_user(agent).get(ADD).status_code == 403


def test_it_refuses_a_template_added_by_an_agent(as_user, agent, acme):
    response = as_user(agent).post(ADD, {"name": "x", "language": "en", "body": "x"})
    assert response.status_code == 403
    assert not MessageTemplate.objects.exists()


def test_it_refuses_an_edit_by_an_agent(as_user, agent, greeting):
    response = as_user(agent).post(edit(greeting), {"name": "x", "language": "en", "body": "x"})
    assert response.status_code == 403
    greeting.refresh_from_db()
    assert greeting.name == "order_shipped"


def test_it_shows_another_companys_template_as_not_found(as_user, outsider, greeting):
    assert as_user(outsider).get(edit(greeting)).status_code == 404


def test_it_refuses_an_edit_of_another_companys_template(as_user, outsider, greeting):
    response = as_user(outsider).post(edit(greeting), {"name": "x", "language": "en", "body": "x"})
    assert response.status_code == 404
    greeting.refresh_from_db()
    assert greeting.body == BODY


def test_it_refuses_a_named_placeholder(as_user, owner):
    response = as_user(owner).post(ADD, {"name": "t", "language": "en", "body": "Hi {{name}}"})
    assert response.status_code == 400
    assert b"{{name}} is not a placeholder" in response.content
    assert not MessageTemplate.objects.exists()


def test_it_refuses_a_gap_between_placeholders(as_user, owner):
    response = as_user(owner).post(ADD, {"name": "t", "language": "en", "body": "{{1}} {{3}}"})
    assert response.status_code == 400
    assert b"{{3}} is used but {{2}} is not" in response.content


def test_it_refuses_a_language_that_is_not_a_code(as_user, owner):
    response = as_user(owner).post(ADD, {"name": "t", "language": "English", "body": "Hi"})
    assert response.status_code == 400
    assert not MessageTemplate.objects.exists()


def test_it_refuses_an_empty_body(as_user, owner):
    assert as_user(owner).post(ADD, {"name": "t", "language": "en", "body": " "}).status_code == 400


def test_it_refuses_a_body_over_1024_characters(as_user, owner):
    response = as_user(owner).post(ADD, {"name": "t", "language": "en", "body": "x" * 1025})
    assert response.status_code == 400


def test_it_refuses_a_second_template_with_the_same_name_and_language(as_user, owner, greeting):
    response = as_user(owner).post(ADD, {"name": "ORDER_SHIPPED", "language": "en", "body": "x"})
    assert response.status_code == 400
    assert b"already has a template with this name and language" in response.content


def test_it_allows_the_same_name_in_another_language(as_user, owner, greeting):
    response = as_user(owner).post(ADD, {"name": "order_shipped", "language": "es", "body": "x"})
    assert response.status_code == 302


def test_it_refuses_renaming_onto_another_template(as_user, owner, greeting, acme):
    other = MessageTemplate.objects.create(company=acme, name="other", language="en", body="x")
    response = as_user(owner).post(
        edit(other), {"name": "order_shipped", "language": "en", "body": "x"}
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "other"
