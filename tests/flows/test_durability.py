"""Against real `atom serve` processes: a 202 survives SIGKILL, and chunked bodies are limited."""

import http.client
import json
import threading
import time

import pytest

from atom.flows.models import Flow, FlowRun

THREADS = 8


def flow_for_burst(acme):
    # Thousands of requests a second are the point here, not the rate limit.
    acme.api_rate_limit = 1_000_000
    acme.save(update_fields=["api_rate_limit"])
    return Flow.objects.create(company=acme, name="Burst", variables=["n"])


@pytest.mark.servers
def test_every_run_that_got_a_202_is_stored_after_the_server_is_killed(
    atom_servers, acme, acme_token
):
    flow = flow_for_burst(acme)
    server = atom_servers(workers=2)
    headers = {"Authorization": f"Bearer {acme_token}", "Content-Type": "application/json"}
    accepted: list[tuple[int, str]] = []
    killed = threading.Event()

    def post_until_killed(thread: int) -> None:
        sent = 0
        while not killed.is_set():
            label = f"{thread}-{sent}"
            sent += 1
            body = json.dumps({"phoneNumber": "50755667788", "variables": {"n": label}})
            try:
                response = server.post(f"/webhooks/flows/{flow.id}", headers=headers, body=body)
            except (OSError, http.client.HTTPException):
                continue  # killed mid-request: no 202, so no promise was made
            if response.status == 202:
                accepted.append((response.json()["runId"], label))

    threads = [threading.Thread(target=post_until_killed, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(accepted) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL to gunicorn and its workers, in the middle of the burst
    killed.set()
    for thread in threads:
        thread.join(timeout=15)

    assert len(accepted) >= 50, "too few requests were accepted before the kill"
    restarted = atom_servers(workers=1)
    print(f"\nsigkill: {len(accepted)} runs answered 202 before the kill")
    stored = dict(
        FlowRun.objects.filter(id__in=[run_id for run_id, _ in accepted]).values_list(
            "id", "variables__n"
        )
    )
    missing = [(run_id, label) for run_id, label in accepted if stored.get(run_id) != label]
    assert missing == [], f"{len(missing)} of {len(accepted)} accepted runs were lost"
    last_id, last_label = max(accepted)
    response = restarted.get(f"/api/v1/flow-runs/{last_id}", headers=headers)
    assert response.status == 200
    assert response.json()["variables"] == {"n": last_label}


def post_chunked(server, path: str, chunks: list[bytes], token: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request(
            "POST",
            path,
            body=iter(chunks),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Transfer-Encoding": "chunked",
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.servers
def test_a_real_server_reads_a_chunked_body_and_limits_it_to_64_kib(atom_servers, acme, acme_token):
    flow = flow_for_burst(acme)
    server = atom_servers(workers=1)
    path = f"/webhooks/flows/{flow.id}"
    small = [b'{"phoneNumber": "50755667788", ', b'"variables": {"n": "chunked"}}']
    status, body = post_chunked(server, path, small, acme_token)
    assert status == 202, body
    assert FlowRun.objects.get(id=body["runId"]).variables == {"n": "chunked"}

    large = [b'{"phoneNumber": "50755667788", "variables": {"n": "'] + [b"x" * 4096] * 17 + [b'"}}']
    status, body = post_chunked(server, path, large, acme_token)
    assert status == 413
    assert body["error"] == "payload_too_large"
    assert FlowRun.objects.count() == 1
