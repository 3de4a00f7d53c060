"""/api/docs in a real browser: Swagger UI from Atom's own files, under the console's CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser


def only_the_live_server(page, live_server) -> list[str]:
    """Refuse every request that leaves the live server: an installation without internet."""
    local = urlsplit(live_server.url).netloc
    refused: list[str] = []

    def route(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return refused


def test_the_api_docs_render_every_operation_with_no_network_and_no_csp_violation(
    page, live_server
):
    refused = only_the_live_server(page, live_server)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto("/api/docs")
    assert response.status == 200
    # The console's own policy: no inline script, and no inline style either.
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Atom API documentation")
    # Swagger UI drew the operations from /api/openapi.json.
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/ping")).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/webhooks/flows/{flow_id}")
    ).to_be_visible()
    assert operations.count() >= 5

    send = page.locator(".opblock-post", has_text="/api/v1/templates/send")
    send.locator(".opblock-summary-control").click()
    expect(send.locator(".responses-wrapper")).to_be_visible()
    send.get_by_role("button", name="Try it out").click()
    expect(send.locator("textarea.body-param__text")).to_be_visible()
    expect(page.get_by_role("heading", name="Schemas")).to_be_visible()

    assert refused == [], f"the docs page reached out: {refused}"
    assert csp_errors == [], "\n".join(csp_errors)
    assert_accessible(page)


def test_the_api_docs_fit_a_phone_and_pass_axe(new_page):
    page = new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/api/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
