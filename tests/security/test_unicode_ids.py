"""Ids in query strings and form data are ASCII digits or refused: never a server error.

``str.isdigit()`` accepts "²", which ``int()`` then refuses: ``?pending=²``,
``id=²`` and ``pending_token=²`` each answered 500 before.
"""

import pytest
from django.urls import reverse

from atom.ids import parse_id
from tests.helpers import section_form

SETTINGS = reverse("companies:settings")
SAVE = reverse("companies:security_save")
REVEAL = reverse("security:token_reveal")


@pytest.mark.parametrize("text", ["²", "١٢", "1²", "-1", "+1", "0", "", " 1", "1 ", "9" * 19, None, 7])
def test_it_reads_no_id_from(text):
    assert parse_id(text) is None


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("007", 7), ("9" * 18, int("9" * 18))])
def test_it_reads_an_id_of_ascii_digits(text, value):
    assert parse_id(text) == value


def test_it_shows_the_settings_page_for_a_unicode_pending_id(as_user, owner):
    assert as_user(owner).get(SETTINGS + "?pending=²").status_code == 200


def test_it_answers_not_found_to_a_unicode_token_id_on_reveal(as_user, owner):
    response = as_user(owner).post(REVEAL, {"which": "pending", "id": "²"})
    assert response.status_code == 404


def test_it_refuses_a_unicode_pending_token_on_save_and_saves_nothing(as_user, owner, acme):
    before = section_form(acme)["revision"]
    response = as_user(owner).post(SAVE, section_form(acme, pending_token="²", password_size="20"))
    assert response.status_code == 400
    assert section_form(acme)["revision"] == before
