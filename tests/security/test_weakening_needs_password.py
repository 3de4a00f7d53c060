"""Every Save that weakens protection needs a recent password (sudo mode); tightening does not."""

import pytest
from django.urls import reverse

from atom.audit.actors import Actor
from atom.security import services
from atom.security.forms import SecuritySettingsForm
from atom.security.models import AllowedAddress, SecurityPolicy
from tests.helpers import section_form, sudo_ends_at

SAVE = reverse("companies:security_save")
PUBLIC = {"REMOTE_ADDR": "200.1.2.3"}


def saved(company):
    return list(
        AllowedAddress.objects.filter(company=company)
        .order_by("position")
        .values_list("network", flat=True)
    )


def with_list(company, *networks):
    for position, network in enumerate(networks):
        AllowedAddress.objects.create(company=company, network=network, position=position)


def change(company, *, entries: str = "", size: int = 15, pending: int | None = None):
    form = SecuritySettingsForm(
        section_form(company, allowed_addresses=entries, password_size=str(size))
    )
    assert form.is_valid(), form.errors
    data = form.change()
    return services.SectionChange(
        revision=data.revision, password_size=size, entries=data.entries, pending_token_id=pending
    )


class TestTheRule:
    """services.weakenings: what needs the password, decided in the write service."""

    @pytest.mark.parametrize(
        "saved_list,new_list,reasons",
        [
            ((), "200.1.2.3", ()),  # a first list only narrows "everyone"
            (("200.1.2.3",), "", ("allowlist_emptied",)),
            (("200.1.2.3",), "200.1.2.3\n8.8.8.8", ("allowlist_widened",)),
            (("200.1.2.0/24",), "200.1.0.0/16", ("allowlist_widened",)),
            (("200.1.2.0/24",), "200.1.2.3", ()),  # narrower
            (("200.1.2.3", "8.8.8.8"), "200.1.2.3", ()),  # an entry removed
            (("200.1.2.0/24",), "200.1.2.3 office\n200.1.2.7", ()),
        ],
        ids=["first-list", "emptied", "widened", "wider-range", "narrower", "removed", "inside"],
    )
    def test_it_names_what_weakens_the_allowlist(self, acme, saved_list, new_list, reasons):
        with_list(acme, *saved_list)
        policy = SecurityPolicy.objects.get(company=acme)
        assert services.weakenings(acme, policy, change(acme, entries=new_list)) == reasons

    def test_it_counts_a_lower_password_size_but_not_a_higher_one(self, acme):
        policy = SecurityPolicy.objects.get(company=acme)
        assert services.weakenings(acme, policy, change(acme, size=12)) == (
            "password_size_lowered",
        )
        assert services.weakenings(acme, policy, change(acme, size=20)) == ()

    def test_it_counts_every_new_token(self, acme):
        policy = SecurityPolicy.objects.get(company=acme)
        assert services.weakenings(acme, policy, change(acme, pending=7)) == ("api_token",)

    def test_it_refuses_with_a_typed_error_and_changes_nothing(self, acme, owner):
        with_list(acme, "200.1.2.3")
        with pytest.raises(services.PasswordRequired) as refused:
            services.save_section(
                acme,
                change(acme, entries="", size=8),
                Actor.for_user(owner, ip="200.1.2.3"),
                client_address=None,
                recently_confirmed=False,
            )
        assert refused.value.reasons == ("allowlist_emptied", "password_size_lowered")
        assert saved(acme) == ["200.1.2.3"]
        assert SecurityPolicy.objects.get(company=acme).password_size == 15


class TestTheConsole:
    def test_it_asks_for_the_password_to_lower_the_password_size(self, as_user, owner, acme):
        client = as_user(owner)
        sudo_ends_at(client, 0)
        response = client.post(SAVE, section_form(acme, password_size="8"), **PUBLIC)
        assert response.status_code == 400
        html = response.content.decode()
        assert (
            "Confirm your password to save these changes: this Save lowers the Password Size."
            in html
        )
        assert 'data-sudo-needed="1"' in html
        assert SecurityPolicy.objects.get(company=acme).password_size == 15

    def test_it_raises_the_password_size_without_asking(self, as_user, owner, acme):
        client = as_user(owner)
        sudo_ends_at(client, 0)
        assert (
            client.post(SAVE, section_form(acme, password_size="20"), **PUBLIC).status_code == 302
        )
        assert SecurityPolicy.objects.get(company=acme).password_size == 20

    def test_it_asks_for_the_password_to_widen_the_list(self, as_user, owner, acme):
        with_list(acme, "200.1.2.3")
        client = as_user(owner)
        sudo_ends_at(client, 0)
        data = section_form(acme, allowed_addresses="200.1.2.3\n8.8.8.8")
        response = client.post(SAVE, data, **PUBLIC)
        assert "this Save allows addresses the list did not allow." in response.content.decode()
        assert saved(acme) == ["200.1.2.3"]

    def test_it_asks_for_the_password_to_empty_the_list(self, as_user, owner, acme):
        with_list(acme, "200.1.2.3")
        client = as_user(owner)
        sudo_ends_at(client, 0)
        data = section_form(acme, allowed_addresses="", confirm_clear="1")
        response = client.post(SAVE, data, **PUBLIC)
        assert "removes every Allowed IP Address (no restriction)" in response.content.decode()
        assert saved(acme) == ["200.1.2.3"]

    def test_it_narrows_the_list_without_asking(self, as_user, owner, acme):
        with_list(acme, "200.1.2.0/24", "8.8.8.8")
        client = as_user(owner)
        sudo_ends_at(client, 0)
        data = section_form(acme, allowed_addresses="200.1.2.3")
        assert client.post(SAVE, data, **PUBLIC).status_code == 302
        assert saved(acme) == ["200.1.2.3"]

    def test_it_saves_the_weakening_change_once_the_password_is_confirmed(
        self, as_user, owner, acme
    ):
        client = as_user(owner)
        sudo_ends_at(client, 0)
        data = section_form(acme, password_size="8")
        client.post(SAVE, data, **PUBLIC)
        back = "/settings/my-company/settings/?draft=1#security-save"
        confirmed = client.post(
            "/account/confirm-password/?next="
            + back.replace("?", "%3F").replace("=", "%3D").replace("#", "%23"),
            {"password": "correct horse battery staple"},
            **PUBLIC,
        )
        assert confirmed["Location"] == back
        assert 'value="8"' in client.get(back, **PUBLIC).content.decode()
        assert client.post(SAVE, data, **PUBLIC).status_code == 302
        assert SecurityPolicy.objects.get(company=acme).password_size == 8
