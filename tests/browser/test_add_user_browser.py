"""Add user in a real browser: the initial password can be generated and shown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.accounts.models import User
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

GENERATED = re.compile(r"^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){3,}$")


def test_generate_fills_a_long_enough_password_and_shows_it(page, new_page, owner):
    login(page, owner.email)
    page.goto("/settings/my-company/users/add/")
    password = page.get_by_label("Initial password")
    expect(password).to_have_attribute("type", "password")

    page.get_by_role("button", name="Generate a password").click()
    expect(password).to_have_attribute("type", "text")
    expect(page.get_by_role("button", name="Show password")).to_have_attribute(
        "aria-pressed", "true"
    )
    generated = password.input_value()
    assert GENERATED.match(generated), generated
    assert len(generated) >= 15
    expect(page.locator("#id_password-counter")).to_have_text(f"{len(generated)} / 15")
    assert_accessible(page)

    page.get_by_role("button", name="Show password").click()
    expect(password).to_have_attribute("type", "password")
    page.get_by_role("button", name="Generate a password").click()
    assert password.input_value() != generated

    generated = password.input_value()
    page.get_by_label("Email").fill("new.agent@acme.example")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("ul.messages")).to_contain_text("new.agent@acme.example")
    assert User.objects.get(email="new.agent@acme.example").check_password(generated)

    # The new user logs in with it and must choose their own at once.
    newcomer = new_page()
    login(newcomer, "new.agent@acme.example", generated)
    expect(newcomer).to_have_url("/account/password/")


def test_without_javascript_the_admin_types_the_password(new_page, owner):
    page = new_page(javascript=False)
    login(page, owner.email)
    page.goto("/settings/my-company/users/add/")
    expect(page.get_by_label("Initial password")).to_be_visible()
    expect(page.get_by_role("button", name="Generate a password")).to_be_hidden()
    expect(page.get_by_role("button", name="Show password")).to_be_hidden()
