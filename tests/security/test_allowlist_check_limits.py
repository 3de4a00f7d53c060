"""The allowlist check endpoint has Save's limits, refused before any parsing."""

import time

from django.urls import reverse

CHECK = reverse("security:allowlist_check")


def check(client, text):
    return client.post(CHECK, {"lines": text}, HTTP_ACCEPT="application/json")


def test_it_refuses_a_list_longer_than_the_field_before_parsing_it(as_user, owner):
    text = "1.1.1.1\n" * 25_001  # 200,008 characters
    started = time.perf_counter()
    answer = check(as_user(owner), text)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 413
    assert answer.json() == {
        "error": "payload_too_large",
        "message": (
            "Allowed IP Addresses: the list has 200,008 characters; at most 200,000 fit. "
            "Remove entries, or combine neighbouring addresses into ranges."
        ),
    }
    # Parsing those lines takes over a second on these machines.
    assert elapsed < 0.5


def test_it_refuses_more_than_a_thousand_lines_naming_the_first_line_too_many(as_user, owner):
    # 100,000 short lines of junk: several seconds of parsing before the limit.
    text = "\n\n" + "x\n" * 99_999
    started = time.perf_counter()
    answer = check(as_user(owner), text)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 400
    assert answer.json()["error"] == "validation_error"
    assert answer.json()["message"] == (
        "The list can hold at most 1,000 entries; remove entries from line 1003 on, "
        "or combine neighbouring addresses into ranges."
    )
    assert elapsed < 0.5


def test_it_still_checks_a_list_of_exactly_a_thousand_entries(as_user, owner):
    text = "".join(f"200.1.{i // 250}.{i % 250 + 1}\n" for i in range(1000))
    answer = check(as_user(owner), text)
    assert answer.status_code == 200
    assert len(answer.json()["entries"]) == 1000
    assert answer.json()["errors"] == []


def test_it_says_the_limit_in_spanish(as_user, owner):
    client = as_user(owner)
    answer = client.post(
        CHECK, {"lines": "x\n" * 1001}, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert answer.status_code == 400
    assert "1,000" in answer.json()["message"]
    assert "The list" not in answer.json()["message"]
