"""What the Security Settings section tells the admin after a Save, and before a risky one."""

import re

from django.urls import reverse

from atom.security.models import AllowedAddress, SecurityPolicy
from tests.helpers import section_form

SAVE = reverse("companies:security_save")
SETTINGS = reverse("companies:settings")
PUBLIC = {"REMOTE_ADDR": "200.1.2.3"}
LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


def saved(company):
    return list(
        AllowedAddress.objects.filter(company=company)
        .order_by("position")
        .values_list("network", flat=True)
    )


def test_it_reports_every_error_of_a_save_at_once(as_user, owner, acme):
    data = section_form(acme, allowed_addresses="8.8.8.8", password_size="7")
    html = as_user(owner).post(SAVE, data, **PUBLIC).content.decode()
    # The lock-out is reported with the Password Size error, not after it is fixed.
    assert "Password Size must be from 8 to 64; 7 is outside." in html
    assert "does not include your current address (200.1.2.3)" in html
    assert "fix these 2 problems and save again" in html
    assert 'href="#id_password_size"' in html
    assert 'href="#id_allowed_addresses"' in html
    assert saved(acme) == []


def test_it_sends_the_refused_save_to_its_error_summary(as_user, owner, acme):
    html = as_user(owner).get(SETTINGS, **PUBLIC).content.decode()
    assert 'action="/settings/my-company/settings/security/save/#security-summary"' in html or (
        f'action="{SAVE}#security-summary"' in html
    )


def test_it_shows_the_result_beside_the_sections_save(as_user, owner, acme):
    client = as_user(owner)
    response = client.post(SAVE, section_form(acme, password_size="20"), **PUBLIC)
    assert response["Location"] == SETTINGS + "#security-result"
    html = client.get(SETTINGS, **PUBLIC).content.decode()
    result = html.split('id="security-result"')[1].split("</div>")[0]
    assert "Saved." in result
    assert 'class="messages"' not in html  # not in the banner, out of view, as well


def test_it_names_the_two_save_buttons(as_user, owner):
    html = as_user(owner).get(SETTINGS, **PUBLIC).content.decode()
    assert ">Save company name</button>" in html
    assert ">Save security settings</button>" in html


def test_it_asks_before_a_save_empties_the_list(as_user, owner, acme):
    AllowedAddress.objects.create(company=acme, network="200.1.2.3", position=0)
    client = as_user(owner)
    response = client.post(SAVE, section_form(acme, allowed_addresses=""), **PUBLIC)
    assert response.status_code == 400
    html = response.content.decode()
    assert "An empty list removes every address restriction" in html
    assert 'name="confirm_clear" value="1"' in html
    assert saved(acme) == ["200.1.2.3"]
    confirmed = section_form(acme, allowed_addresses="", confirm_clear="1")
    assert client.post(SAVE, confirmed, **PUBLIC).status_code == 302
    assert saved(acme) == []


def test_it_flags_an_entry_a_listed_range_already_covers(as_user, owner, acme):
    client = as_user(owner)
    data = section_form(acme, allowed_addresses="200.1.2.0/24\n200.1.2.3")
    response = client.post(SAVE, data, **PUBLIC)
    html = client.get(response["Location"], **PUBLIC).content.decode()
    assert "200.1.2.3 is already covered by 200.1.2.0/24; you can remove it." in html


def test_it_hides_add_my_current_address_once_it_is_listed(as_user, owner, acme):
    client = as_user(owner)
    assert "Add my current address (200.1.2.3)" in client.get(SETTINGS, **PUBLIC).content.decode()
    AllowedAddress.objects.create(company=acme, network="200.1.0.0/16", position=0)
    html = client.get(SETTINGS, **PUBLIC).content.decode()
    assert 'name="add_current_address"' not in html
    assert 'data-address="200.1.2.3" hidden>' in html


def test_it_says_why_a_loopback_address_cannot_be_added_and_what_to_do(as_user, owner, acme):
    html = as_user(owner).get(SETTINGS, **LOOPBACK).content.decode()
    assert "Add my current address" not in html
    assert "Your current address cannot be added: 127.0.0.1 is in 127.0.0.0/8" in html
    assert "ATOM_TRUSTED_PROXIES" in html and "ATOM_ALLOW_PRIVATE_ADDRESSES=1" in html


def test_it_offers_a_loopback_address_where_the_operator_allows_private_ones(
    as_user, owner, acme, settings
):
    settings.ATOM_ALLOW_PRIVATE_ADDRESSES = True
    html = as_user(owner).get(SETTINGS, **LOOPBACK).content.decode()
    assert "Add my current address (127.0.0.1)" in html
    assert "cannot be added" not in html


def test_it_defaults_the_old_tokens_grace_to_24_hours(as_user, owner):
    html = as_user(owner).get(SETTINGS, **PUBLIC).content.decode()
    checked = re.findall(
        r'<input type="radio" name="old_token_grace" value="(\w+)"[^>]*checked', html
    )
    assert checked == ["24h"]


def test_it_writes_dates_with_their_time_zone(as_user, owner, acme):
    html = as_user(owner).get(SETTINGS, **PUBLIC).content.decode()
    created = html.split("created ")[1].split(" ·")[0]
    assert created.endswith(" UTC"), created


def test_it_says_what_a_new_token_does_without_claiming_to_change_integrations(as_user, owner):
    html = as_user(owner).get(SETTINGS, **PUBLIC).content.decode()
    assert (
        "When you click Save security settings, Atom accepts the new token; update your integrations"
        in html
    )
    assert "replaces the current token in every" not in html
    assert "is now used by every" not in html


def test_it_keeps_the_password_size_unchanged_when_any_part_is_refused(as_user, owner, acme):
    data = section_form(acme, allowed_addresses="256.1.1.1", password_size="20")
    as_user(owner).post(SAVE, data, **PUBLIC)
    assert SecurityPolicy.objects.get(company=acme).password_size == 15


def test_it_asks_about_the_clear_with_the_other_errors_of_the_save(as_user, owner, acme):
    AllowedAddress.objects.create(company=acme, network="200.1.2.3", position=0)
    data = section_form(acme, allowed_addresses="", password_size="7")
    html = as_user(owner).post(SAVE, data, **PUBLIC).content.decode()
    assert "fix these 2 problems" in html
    assert "An empty list removes every address restriction" in html
    assert "Password Size must be from 8 to 64; 7 is outside." in html


def test_it_links_the_session_limits_errors_from_the_summary(as_user, owner, acme):
    before = SecurityPolicy.objects.get(company=acme).revision
    data = section_form(acme, idle_timeout="7", session_length="nonsense")
    html = as_user(owner).post(SAVE, data, **PUBLIC).content.decode()
    summary = html[html.index('id="security-summary"') :]
    for target in ("id_idle_timeout", "id_session_length"):
        assert f'href="#{target}"' in summary, target
    assert SecurityPolicy.objects.get(company=acme).revision == before


def test_it_links_a_refused_two_step_requirement_from_the_summary(as_user, owner, acme):
    # The owner has no second factor yet: requiring it would lock them out.
    data = section_form(acme, require_two_factor="on", two_factor_grace="0")
    html = as_user(owner).post(SAVE, data, **PUBLIC).content.decode()
    summary = html[html.index('id="security-summary"') :]
    assert 'href="#id_require_two_factor"' in summary
    assert SecurityPolicy.objects.get(company=acme).require_two_factor is False
