"""The company's requirement, enforced by real server processes: a grace period, then the set-up."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest

from atom.audit.actors import Actor
from atom.security import services
from atom.security.models import SecurityPolicy
from tests.console import Console
from tests.servers import wait_until
from tests.twofactor.support import code_now, enrol_app

pytestmark = pytest.mark.servers

GRACE_SECONDS = 4


def require_now(company, owner, grace: timedelta) -> None:
    policy = SecurityPolicy.objects.get(company=company)
    change = services.SectionChange(
        revision=policy.revision,
        password_size=policy.password_size,
        entries=services.allowlist_entries(company),
        require_two_factor=True,
        two_factor_grace=grace,
    )
    services.save_section(
        company, change, Actor.for_user(owner), client_address=None, recently_confirmed=True
    )


def test_a_user_without_it_is_held_to_the_set_up_on_every_server_when_the_grace_ends(
    atom_servers, acme, owner, agent
):
    first, second = atom_servers(), atom_servers()
    on_first, on_second = Console(first), Console(second)
    on_second.log_in(agent.email)
    assert on_second.get("/").status_code == 200

    enrol_app(owner)
    require_now(acme, owner, timedelta(seconds=GRACE_SECONDS))
    # During the grace period: the session opened before goes on; a new
    # log-in is sent to the set-up once, then goes on too.
    assert on_second.get("/").status_code == 200
    on_first.log_in(agent.email)
    nudged = on_first.get("/")
    assert nudged.status_code == 302 and nudged.headers["Location"] == "/account/two-step/"
    assert on_first.get("/").status_code == 200

    # When the grace period ends, both sessions reach only the set-up, on both servers.
    def held(console: Console) -> bool:
        response = console.get("/settings/flows/")
        return response.status_code == 302 and response.headers["Location"] == "/account/two-step/"

    wait_until(lambda: held(on_first) and held(on_second), timeout=GRACE_SECONDS + 5)
    api_like = on_second.session.get(
        on_second.url("/"), headers={"Accept": "application/json"}, allow_redirects=False
    )
    assert api_like.status_code == 403 and api_like.json()["error"] == "two_step_required"

    # The agent sets up an authenticator app on one server; the other lets them in at once.
    page = on_first.get("/account/two-step/authenticator/").text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    secret = secret.replace(" ", "")
    done = on_first.post("/account/two-step/authenticator/", {"code": code_now(secret)})
    assert done.status_code == 302
    assert on_second.get("/settings/flows/").status_code == 200


def test_saving_the_requirement_in_the_console_reaches_another_server_within_a_second(
    atom_servers, acme, owner, agent
):
    first, second = atom_servers(), atom_servers()
    secret, _codes = enrol_app(owner)
    admin_console, agent_console = Console(first), Console(second)
    agent_console.log_in(agent.email)
    assert agent_console.get("/").status_code == 200

    admin_console.log_in(owner.email)
    second_step = admin_console.post(
        "/login/two-step/", {"method": "app", "code": pyotp.TOTP(secret).now()}
    )
    assert second_step.status_code == 302
    form = admin_console.security_form()
    form.update(require_two_factor="on", two_factor_grace="0")
    saved = admin_console.post("/settings/my-company/settings/security/", form)
    assert saved.status_code == 302, saved.text[:2000]
    started = time.monotonic()
    wait_until(lambda: agent_console.get("/").status_code == 302, timeout=2)
    assert time.monotonic() - started < 1.5
    assert agent_console.get("/").headers["Location"] == "/account/two-step/"
