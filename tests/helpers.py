"""What many tests share, imported by name: the cast's password, a company
with its owner, request headers, sudo mode, and the API's refusal shape.

Fixtures and hooks live in the conftest.py files; they import from here too.
"""

from __future__ import annotations

import os

from atom.accounts import sudo
from atom.accounts.models import User
from atom.companies.services import create_company

# Every user of the cast logs in with this password.
PASSWORD = "correct horse battery staple"
CHROMIUM = "/usr/bin/chromium"


def flag(name: str) -> bool:
    """An ATOM_REQUIRE_* switch of the test run: set unless empty, 0, false, no or off."""
    return os.environ.get(name, "") not in ("", "0", "false", "no", "off")


def make_company(name: str, owner_email: str):
    """A company as `atom createcompany` makes it: (company, its owner)."""
    return create_company(name, owner_email, PASSWORD)


def add(company, email: str, role: str) -> User:
    return User.objects.create_user(email=email, company=company, role=role, password=PASSWORD)


def bearer(token: str) -> dict[str, str]:
    """The test client's keyword arguments for ``Authorization: Bearer <token>``."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def section_form(company, **changes) -> dict[str, str]:
    """The Security Settings form as its page would post it now, with changes."""
    from atom.security.models import SecurityPolicy

    policy = SecurityPolicy.objects.get(company=company)
    data = {
        "revision": str(policy.revision),
        "password_size": str(policy.password_size),
        "allowed_addresses": "",
        "old_token_grace": "0",
    }
    data.update(changes)
    return data


def sudo_ends_at(client, when: float) -> None:
    """Make sudo mode of ``client``'s session end at ``when`` (a Unix time; the past ends it)."""
    session = client.session
    sudo.set_sudo_expiry(session, when)
    session.save()


def assert_refused(response, status: int, code: str, *, nothing_in=None) -> None:
    """The API's one refusal shape, ``{"error": code, "message": ...}`` with ``status``;
    and, given a model as ``nothing_in``, that no row of it was stored."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    assert body["message"]
    assert set(body) == {"error", "message"}
    if nothing_in is not None:
        assert nothing_in.objects.count() == 0


def refused_field(response, *fields: str, nothing_in=None) -> str:
    """A 400 validation_error whose message names each of ``fields``: the message."""
    assert_refused(response, 400, "validation_error", nothing_in=nothing_in)
    message = response.json()["message"]
    for field in fields:
        assert f"{field}:" in message, message
    return message
