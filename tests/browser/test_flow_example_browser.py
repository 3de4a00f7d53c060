"""The curl example on a flow's page runs as shown, Idempotency-Key included."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from atom.flows.models import Flow, FlowRun
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def test_the_curl_example_sends_a_new_idempotency_key_on_each_run(
    page, live_server, admin, acme, acme_token
):
    flow = Flow.objects.create(company=acme, name="Order shipped", variables=["orderId"])
    login(page, admin.email)
    page.goto(f"/settings/flows/{flow.id}/")
    example = page.locator("#curl-example").input_value()
    assert '-H "Idempotency-Key: $(openssl rand -hex 16)"' in example
    # All of it in view, the new header line included.
    assert page.locator("#curl-example").evaluate("box => box.scrollHeight <= box.clientHeight")

    if not (shutil.which("curl") and shutil.which("openssl")):
        pytest.skip("running the example needs curl and openssl")
    for _ in range(2):
        result = subprocess.run(
            ["bash", "-c", example],
            env={**os.environ, "ATOM_API_TOKEN": acme_token},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert json.loads(result.stdout)["status"] == "queued"
    # Two runs, two keys: two runs stored.
    assert FlowRun.objects.filter(flow=flow).count() == 2
