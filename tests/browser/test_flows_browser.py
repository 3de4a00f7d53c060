"""Flows in a real browser: create a flow, copy its webhook URL, post to it, see the run."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from atom.flows.models import Flow
from tests.helpers import PASSWORD

# The Chromium and its pages come from tests/browser/conftest.py: one
# Playwright per test thread, shared by every browser test (a second sync
# Playwright in the same thread cannot start). Its pages may use the
# clipboard on the live server's origin.
pytestmark = pytest.mark.browser


def post_json(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live server
        return response.status, json.loads(response.read())


def test_an_admin_creates_a_flow_copies_its_webhook_and_sees_the_run(
    page, live_server, admin, acme, acme_token
):
    page.goto("/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    nav = page.get_by_role("navigation", name="Main navigation")
    nav.locator("summary", has_text="Settings").first.click()
    nav.get_by_role("link", name="Flows").click()
    expect(page.get_by_role("heading", name="Flows", exact=True)).to_be_visible()

    page.get_by_label("Name").fill("Order shipped")
    page.get_by_label("Description").fill("Tell the customer their order left")
    page.get_by_label("Variables it expects").fill("orderId, amount")
    page.get_by_role("button", name="Create flow").click()
    expect(page.get_by_role("heading", name="Order shipped")).to_be_visible()
    flow = Flow.objects.get(company=acme)

    copy = page.locator(f'[data-copy="webhook-url-{flow.id}"]')
    copy.click()
    expect(copy).to_have_text("Copied")
    url = page.evaluate("navigator.clipboard.readText()")
    assert url == f"{live_server.url}/webhooks/flows/{flow.id}"
    expect(page.locator("#curl-example")).to_contain_text(url)

    status, body = post_json(
        url,
        acme_token,
        {"phoneNumber": "50755667788", "variables": {"orderId": "A-1001", "amount": 25}},
    )
    assert status == 202
    assert body["status"] == "queued"

    page.reload()
    run = page.locator("#runs-heading + table tbody tr").first
    expect(run).to_contain_text(str(body["runId"]))
    expect(run).to_contain_text("50755667788")
    expect(run).to_contain_text('"orderId": "A-1001"')
    expect(run).to_contain_text("Queued")
