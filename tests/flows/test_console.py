"""Settings > Flows in the console."""

from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.flows.models import Flow, FlowRun

FLOWS = reverse("flows:list")
ADD = reverse("flows:add")


def detail(flow):
    return reverse("flows:detail", kwargs={"flow_id": flow.id})


def test_it_shows_the_flows_page_with_a_create_form_to_the_owner(as_user, owner, order_flow):
    response = as_user(owner).get(FLOWS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Order shipped" in html
    assert f"http://testserver/webhooks/flows/{order_flow.id}" in html
    assert 'data-copy="webhook-url-' in html
    assert "Create a flow" in html


def test_it_lets_an_admin_create_a_flow_and_audits_it(as_user, admin, acme):
    response = as_user(admin).post(
        ADD,
        {
            "name": "Order shipped",
            "description": "Tell the customer",
            "variables": "orderId, amount",
        },
    )
    flow = Flow.objects.get(company=acme)
    assert response.status_code == 302
    assert response["Location"] == detail(flow)
    assert flow.name == "Order shipped"
    assert flow.description == "Tell the customer"
    assert flow.variables == ["orderId", "amount"]
    assert flow.created_by == admin
    event = AuditEvent.objects.get(action="flow.created")
    assert event.company == acme
    assert event.actor_user == admin
    assert event.details == {
        "flow_id": flow.id,
        "name": "Order shipped",
        "variables": ["orderId", "amount"],
    }


def test_it_accepts_variables_one_per_line(as_user, owner, acme):
    as_user(owner).post(ADD, {"name": "F", "variables": "orderId\r\namount\r\n"})
    assert Flow.objects.get(company=acme).variables == ["orderId", "amount"]


def test_it_creates_a_flow_without_variables(as_user, owner, acme):
    as_user(owner).post(ADD, {"name": "Hello", "variables": ""})
    assert Flow.objects.get(company=acme).variables == []


def test_it_shows_flows_to_an_agent_without_the_create_form(as_user, agent, order_flow):
    response = as_user(agent).get(FLOWS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Order shipped" in html
    assert "Create a flow" not in html


def test_it_refuses_a_flow_created_by_an_agent(as_user, agent, acme):
    response = as_user(agent).post(ADD, {"name": "Sneaky", "variables": ""})
    assert response.status_code == 403
    assert not Flow.objects.filter(company=acme).exists()


def test_it_sends_an_anonymous_visitor_to_log_in(client, acme):
    response = client.get(FLOWS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_an_empty_name(as_user, owner, acme):
    response = as_user(owner).post(ADD, {"name": "   ", "variables": ""})
    assert response.status_code == 400
    assert not Flow.objects.exists()


def test_it_refuses_a_name_the_company_already_uses(as_user, owner, order_flow):
    response = as_user(owner).post(ADD, {"name": "order SHIPPED", "variables": ""})
    assert response.status_code == 400
    assert b"already has a flow with this name" in response.content
    assert Flow.objects.count() == 1


def test_it_allows_a_name_another_company_uses(as_user, owner, globex_flow):
    response = as_user(owner).post(ADD, {"name": globex_flow.name, "variables": ""})
    assert response.status_code == 302


def test_it_refuses_a_variable_name_starting_with_a_digit(as_user, owner):
    response = as_user(owner).post(ADD, {"name": "F", "variables": "1st"})
    assert response.status_code == 400
    assert b"1st" in response.content
    assert not Flow.objects.exists()


def test_it_refuses_a_variable_name_with_a_dash(as_user, owner):
    assert as_user(owner).post(ADD, {"name": "F", "variables": "order-id"}).status_code == 400
    assert not Flow.objects.exists()


def test_it_refuses_a_variable_named_twice(as_user, owner):
    response = as_user(owner).post(ADD, {"name": "F", "variables": "orderId orderId"})
    assert response.status_code == 400
    assert b"each variable once" in response.content


def test_it_refuses_more_than_50_variables(as_user, owner):
    names = " ".join(f"v{n}" for n in range(51))
    assert as_user(owner).post(ADD, {"name": "F", "variables": names}).status_code == 400
    assert not Flow.objects.exists()


def test_it_shows_a_flow_with_its_webhook_curl_example_and_recent_runs(as_user, agent, order_flow):
    FlowRun.objects.create(
        company=order_flow.company,
        flow=order_flow,
        phone_number="50755667788",
        variables={"orderId": "A-77"},
    )
    response = as_user(agent).get(detail(order_flow))
    assert response.status_code == 200
    html = response.content.decode()
    url = f"http://testserver/webhooks/flows/{order_flow.id}"
    assert url in html
    assert f"curl -X POST &#x27;{url}&#x27;" in html
    assert "Authorization: Bearer $ATOM_API_TOKEN" in html
    assert "&quot;orderId&quot;: &quot;value&quot;" in html
    assert "50755667788" in html
    assert "A-77" in html
    assert "Queued" in html


def test_it_never_puts_the_token_in_the_page(as_user, owner, order_flow, acme_token):
    response = as_user(owner).get(detail(order_flow))
    assert acme_token not in response.content.decode()


def test_it_shows_another_companys_flow_as_not_found(as_user, outsider, order_flow):
    assert as_user(outsider).get(detail(order_flow)).status_code == 404


def test_it_shows_flows_and_templates_in_the_navigation_of_an_agent(as_user, agent):
    html = as_user(agent).get(reverse("home")).content.decode()
    assert f'href="{FLOWS}"' in html
    assert f'href="{reverse("outbox:templates")}"' in html


def test_it_shows_flows_under_settings_to_an_admin(as_user, admin):
    html = as_user(admin).get(reverse("home")).content.decode()
    settings_menu = html[html.index("<summary>Settings</summary>") :]
    assert f'href="{FLOWS}"' in settings_menu
