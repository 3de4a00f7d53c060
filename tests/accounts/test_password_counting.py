"""Password Size counts characters as the user sees them: typed and normalized, the smaller.

"ﬀ" typed 8 times is 8 code points, but 16 letters after NFKC: counted
after normalization only, it passed a minimum of 15.
"""

import unicodedata

from django.urls import reverse

from atom.security.core import password_size
from atom.security.models import SecurityPolicy
from tests.helpers import PASSWORD

CHANGE = reverse("accounts:password_change")
LIGATURES = "ﬀ" * 8


def change(client, new):
    return client.post(
        CHANGE, {"current_password": PASSWORD, "new_password1": new, "new_password2": new}
    )


def test_it_counts_a_ligature_once():
    assert len(unicodedata.normalize("NFKC", LIGATURES)) == 16
    assert password_size.length(LIGATURES) == 8


def test_it_counts_an_accent_typed_as_two_code_points_once():
    decomposed = unicodedata.normalize("NFD", "é" * 5)
    assert len(decomposed) == 10
    assert password_size.length(decomposed) == 5


def test_it_refuses_eight_ligatures_against_a_minimum_of_fifteen(as_user, agent, acme):
    SecurityPolicy.objects.filter(company=acme).update(password_size=15)
    response = change(as_user(agent), LIGATURES)
    assert response.status_code == 400
    assert (
        "This password has 8 characters; your company requires at least 15."
        in response.content.decode()
    )
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_it_asks_for_a_change_at_log_in_when_ligatures_made_the_password_short(client, agent, acme):
    agent.set_password(LIGATURES + "ﬀ" * 4)  # 12 as seen, 24 after NFKC
    agent.save()
    SecurityPolicy.objects.filter(company=acme).update(password_size=15)
    response = client.post(
        reverse("accounts:login"), {"email": agent.email, "password": LIGATURES + "ﬀ" * 4}
    )
    assert response["Location"] == CHANGE
    agent.refresh_from_db()
    assert agent.must_change_password


def test_it_says_how_characters_are_counted(as_user, owner, agent):
    hint = "a ligature such as ﬀ is one character, and so is an accented letter"
    assert hint in as_user(agent).get(CHANGE).content.decode()
    settings_page = as_user(owner).get(reverse("companies:settings")).content.decode()
    assert "a ligature such as ﬀ counts as one, and so does an accented letter" in settings_page
