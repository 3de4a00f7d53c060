"""What an operator runs: `atom prune` from a timer, `atom check --deploy` on the
production configuration that docs/deploy.md gives."""

from __future__ import annotations

import io
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from atom.api.models import IdempotencyKey
from atom.flows.models import Flow, FlowRun
from atom.security.core.vault import generate_key
from tests.servers import ROOT


def prune(**options) -> str:
    out = io.StringIO()
    call_command("prune", stdout=out, **options)
    return out.getvalue().strip()


@pytest.fixture
def keys_of_all_ages(acme):
    flow = Flow.objects.create(company=acme, name="Orders", variables=[])
    now = timezone.now()
    for name, age in [("old-1", 25), ("old-2", 48), ("old-3", 24 * 30), ("new", 23), ("now", 0)]:
        run = FlowRun.objects.create(company=acme, flow=flow, phone_number="50755667788")
        IdempotencyKey.objects.create(
            company=acme,
            key=name,
            fingerprint="0" * 64,
            resource_id=run.id,
            created_at=now - timedelta(hours=age),
        )


@pytest.mark.django_db
def test_prune_deletes_only_idempotency_keys_older_than_24_hours(keys_of_all_ages):
    assert prune(batch_size=2).splitlines() == [
        "Deleted 3 idempotency keys older than 24 hours.",
        "Marked 0 old API tokens whose grace period ended as expired.",
        "Reminded owners and admins of 0 expiring integration tokens; recorded 0 expired ones.",
    ]
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"new", "now"}
    assert FlowRun.objects.count() == 5  # the runs themselves stay
    assert prune().splitlines()[0] == "Deleted 0 idempotency keys older than 24 hours."


def production_environment(tmp_path: Path) -> dict[str, str]:
    """The environment file of docs/deploy.md, with its secret files made here."""
    doc = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"<!-- atom.env -->\s*```ini\n(.*?)```", doc, re.S)
    assert block, "docs/deploy.md lost its atom.env block"
    files = {
        "ATOM_SECRET_KEY_FILE": secrets.token_urlsafe(64),
        "ATOM_TOKEN_KEYS_FILE": generate_key(),
        "DATABASE_URL_FILE": "postgres://atom:pw@db.internal:5432/atom",
        "REDIS_URL_FILE": "redis://:pw@redis.internal:6379/0",
        "ATOM_EMAIL_PASSWORD_FILE": "smtp password",
    }
    env = {}
    for line in block.group(1).splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        name, value = line.split("=", 1)
        value = value.removeprefix('"').removesuffix('"')  # as systemd and sh read it
        if name in files:
            path = tmp_path / name.lower()
            path.write_text(files[name] + "\n")
            value = str(path)
        env[name] = value
    assert set(files) <= set(env), "a secret of docs/deploy.md is not read from a file"
    return env


def test_check_deploy_is_clean_on_the_documented_production_configuration(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ATOM_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    env.update(production_environment(tmp_path), DJANGO_SETTINGS_MODULE="atom.settings")
    result = subprocess.run(
        [sys.executable, "-m", "atom.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_prune_marks_ended_grace_periods_expired_and_the_request_path_writes_nothing(
    acme, acme_token, client
):
    from atom.audit.actors import Actor
    from atom.audit.models import AuditEvent
    from atom.security import api_tokens
    from atom.security.models import ApiToken, TokenStatus

    old = api_tokens.active_token(acme)
    api_tokens.rotate(acme, api_tokens.GRACE_CHOICES["1h"], Actor.operator())
    ApiToken.objects.filter(id=old.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    # The gate refuses the ended token from the clock alone, and leaves the row as it is.
    response = client.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {acme_token}")
    assert response.status_code == 401
    assert ApiToken.objects.get(id=old.id).status == TokenStatus.GRACE
    assert prune().splitlines()[1] == "Marked 1 old API tokens whose grace period ended as expired."
    assert ApiToken.objects.get(id=old.id).status == TokenStatus.EXPIRED
    assert AuditEvent.objects.filter(action="token.expired", company=acme).count() == 1
