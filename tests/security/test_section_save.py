"""Saving the Security Settings section: Password Size, Allowed IP Addresses, concurrency."""

import pytest
from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.security.models import AllowedAddress, SecurityPolicy
from tests.helpers import section_form

SAVE = reverse("companies:security_save")
PUBLIC = {"REMOTE_ADDR": "200.1.2.3"}


def networks(company):
    return list(AllowedAddress.objects.filter(company=company).values_list("network", "label"))


class TestPasswordSize:
    def test_it_saves_a_new_size_and_says_saved(self, as_user, owner, acme):
        client = as_user(owner)
        response = client.post(SAVE, section_form(acme, password_size="20"), **PUBLIC)
        assert response.status_code == 302
        assert SecurityPolicy.objects.get(company=acme).password_size == 20
        page = client.get(response["Location"], **PUBLIC).content.decode()
        assert "Saved." in page
        assert 'value="20"' in page
        event = AuditEvent.objects.get(action="security.password_size_changed")
        assert event.details == {"from": 15, "to": 20}

    @pytest.mark.parametrize(
        "value,message",
        [
            ("7", "Password Size must be from 8 to 64; 7 is outside."),
            ("65", "Password Size must be from 8 to 64; 65 is outside."),
            ("abc", "Password Size must be a whole number from 8 to 64."),
            ("", "This field is required."),
            ("1.5", "Password Size must be a whole number from 8 to 64."),
            ("-9", "Password Size must be a whole number from 8 to 64."),
            ("١٢", "Password Size must be a whole number from 8 to 64."),
        ],
        ids=["seven", "sixty-five", "letters", "empty", "decimal", "negative", "arabic-digits"],
    )
    def test_it_refuses_an_invalid_size_and_keeps_the_input(
        self, as_user, owner, acme, value, message
    ):
        response = as_user(owner).post(SAVE, section_form(acme, password_size=value), **PUBLIC)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert f'value="{value}"' in html or value == ""
        assert SecurityPolicy.objects.get(company=acme).password_size == 15

    def test_it_defaults_to_15_for_a_new_company(self, acme):
        assert SecurityPolicy.objects.get(company=acme).password_size == 15

    def test_it_refuses_an_agent_through_a_crafted_post(self, as_user, agent, acme):
        response = as_user(agent).post(SAVE, section_form(acme, password_size="8"), **PUBLIC)
        assert response.status_code == 403
        assert SecurityPolicy.objects.get(company=acme).password_size == 15


class TestConcurrentEdits:
    def test_it_refuses_a_save_from_a_stale_page_and_shows_current_values(
        self, as_user, owner, admin, acme
    ):
        stale = section_form(acme, password_size="30")
        as_user(admin).post(SAVE, section_form(acme, password_size="20"), **PUBLIC)
        response = as_user(owner).post(SAVE, stale, **PUBLIC)
        assert response.status_code == 409
        html = response.content.decode()
        assert "Another admin saved these settings after you opened this page" in html
        assert 'value="20"' in html
        assert SecurityPolicy.objects.get(company=acme).password_size == 20


class TestAllowedAddresses:
    def test_it_saves_entries_with_labels_in_order(self, as_user, owner, acme):
        text = "200.1.2.3 Office Bogotá\n  8.8.8.0/24  \n2800:3f0:4001:800::200e Cloud\n"
        response = as_user(owner).post(SAVE, section_form(acme, allowed_addresses=text), **PUBLIC)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert networks(acme) == [
            ("200.1.2.3", "Office Bogotá"),
            ("8.8.8.0/24", ""),
            ("2800:3f0:4001:800::200e", "Cloud"),
        ]
        event = AuditEvent.objects.get(action="security.allowlist_changed")
        assert event.details["added"] == ["200.1.2.3", "8.8.8.0/24", "2800:3f0:4001:800::200e"]
        assert event.details["removed"] == []

    def test_it_audits_added_and_removed_entries(self, as_user, owner, acme):
        client = as_user(owner)
        client.post(SAVE, section_form(acme, allowed_addresses="200.1.2.3\n1.1.1.1"), **PUBLIC)
        client.post(SAVE, section_form(acme, allowed_addresses="200.1.2.3\n9.9.9.9"), **PUBLIC)
        event = AuditEvent.objects.filter(action="security.allowlist_changed").first()
        assert event.details["added"] == ["9.9.9.9"]
        assert event.details["removed"] == ["1.1.1.1"]

    def test_it_drops_a_duplicate_with_a_notice(self, as_user, owner, acme):
        client = as_user(owner)
        response = client.post(
            SAVE, section_form(acme, allowed_addresses="200.1.2.3\n200.1.2.3"), **PUBLIC
        )
        assert networks(acme) == [("200.1.2.3", "")]
        page = client.get(response["Location"], **PUBLIC).content.decode()
        assert "200.1.2.3 is already in the list" in page

    def test_it_saves_nothing_while_any_entry_is_invalid(self, as_user, owner, acme):
        text = "200.1.2.3\n256.1.1.1\n10.0.0.1\n1.2.3"
        response = as_user(owner).post(
            SAVE, section_form(acme, allowed_addresses=text, password_size="20"), **PUBLIC
        )
        assert response.status_code == 400
        html = response.content.decode()
        # Each message names its entry: the list on the page has no lines.
        assert "256.1.1.1: each of the four numbers must be 0-255." in html
        assert "10.0.0.1 is in 10.0.0.0/8" in html
        assert "1.2.3: " in html
        assert "Line " not in html
        assert "256.1.1.1" in html and "1.2.3" in html  # what was typed stays
        assert networks(acme) == []
        assert SecurityPolicy.objects.get(company=acme).password_size == 15

    def test_it_refuses_a_list_without_the_saving_admins_address(self, as_user, owner, acme):
        response = as_user(owner).post(
            SAVE, section_form(acme, allowed_addresses="8.8.8.8"), **PUBLIC
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "does not include your current address (200.1.2.3)" in html
        assert "Add my current address (200.1.2.3)" in html
        assert networks(acme) == []

    def test_it_adds_the_current_address_in_one_click_without_saving(self, as_user, owner, acme):
        data = section_form(acme, allowed_addresses="8.8.8.8", add_current_address="1")
        response = as_user(owner).post(SAVE, data, **PUBLIC)
        assert response.status_code == 200
        assert "8.8.8.8\n200.1.2.3" in response.content.decode()
        assert networks(acme) == []

    def test_it_accepts_a_range_that_contains_the_admins_address(self, as_user, owner, acme):
        response = as_user(owner).post(
            SAVE, section_form(acme, allowed_addresses="200.1.0.0/16"), **PUBLIC
        )
        assert response.status_code == 302

    def test_it_says_when_there_is_no_restriction(self, as_user, owner, acme):
        html = as_user(owner).get(reverse("companies:settings"), **PUBLIC).content.decode()
        assert "No restriction: every address can reach your company account." in html
        assert "Your current address: 200.1.2.3" in html

    def test_it_refuses_private_addresses_unless_the_operator_allows_them(
        self, as_user, owner, acme, settings
    ):
        client = as_user(owner)
        refused = client.post(SAVE, section_form(acme, allowed_addresses="127.0.0.1"))
        assert "127.0.0.1 is in 127.0.0.0/8" in refused.content.decode()
        settings.ATOM_ALLOW_PRIVATE_ADDRESSES = True
        assert (
            client.post(SAVE, section_form(acme, allowed_addresses="127.0.0.1")).status_code == 302
        )

    def test_it_checks_typed_lines_for_the_editor(self, as_user, owner):
        response = as_user(owner).post(
            reverse("security:allowlist_check"),
            {"lines": "200.1.2.3 Office\n256.1.1.1\n\n200.1.2.3"},
        )
        payload = response.json()
        assert payload["entries"] == [{"line": 1, "text": "200.1.2.3", "label": "Office"}]
        assert payload["errors"] == [
            {"line": 2, "message": "256.1.1.1: each of the four numbers must be 0-255."}
        ]
        assert "already in the list" in payload["notices"][0]

    def test_it_refuses_the_check_endpoint_to_an_agent(self, as_user, agent):
        assert (
            as_user(agent)
            .post(reverse("security:allowlist_check"), {"lines": "1.1.1.1"})
            .status_code
            == 403
        )
