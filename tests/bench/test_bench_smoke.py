"""`make bench` still works: the harness runs end to end, briefly.

A second per endpoint, one propagation trial of each kind and the micro
benchmarks in their quick mode. The numbers themselves are never asserted:
they depend on the machine and on whatever else it runs.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.servers import ROOT

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        shutil.which("wrk") is None,
        reason="the bench smoke test needs wrk (apt-get install wrk; CI installs it)",
    ),
]

# "django": the plain Django project of bench/baseline, the API's yardstick.
ENDPOINTS = {
    "ping",
    "django",
    "company",
    "integration",
    "webhook",
    "send",
    "console",
    "disallowed",
    "bad_token",
}
CHANGES = {"token_save", "token_revoke", "grace_end", "allowlist_save"}


def test_the_bench_harness_measures_every_endpoint_and_change(tmp_path):
    results = tmp_path / "bench.json"
    report = tmp_path / "bench.md"
    command = [
        sys.executable,
        "bench/run.py",
        "--rounds=1",
        "--duration=1",
        "--warmup=0",
        "--companies=300",
        "--propagation-trials=1",
        # Long enough for every worker to answer a probe after the change
        # even on a busy machine: the trial counts the workers it saw.
        "--propagation-window=2",
        "--micro=quick",
        # Its own database, should a PostgreSQL run share the server.
        f"--postgres-name=atom_bench_smoke_{os.getpid()}",
        f"--json={results}",
        f"--report={report}",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]

    data = json.loads(results.read_text())
    rows = {row["endpoint"]: row for row in data["rows"]}
    assert set(rows) == ENDPOINTS
    for row in rows.values():
        assert row["rate"] > 0 and row["p50_ms"] > 0 and row["p99_ms"] > 0, row
        assert row["socket_errors"] == 0 and row["unexpected"] == 0, row
    assert data["intake"]["lost"] == 0
    assert data["intake"]["accepted_202"] > 0
    assert all(mib > 0 for mib in data["memory_mib"].values())
    trials = data["propagation"]
    assert {trial["kind"] for trial in trials} == CHANGES
    for trial in trials:
        assert trial["seconds"] is not None and trial["workers"] == 4, trial
        assert trial["unexpected"] == 0, trial
    text = report.read_text()
    assert "| `GET /api/v1/company`" in text and "Micro benchmarks" in text
    assert rows["company"]["django_ratio"] > 0  # the ratio to plain Django is reported
    assert "plain Django view, default middleware (bench/baseline)" in text


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="--million measures PostgreSQL only; the PostgreSQL pass of make test runs this",
)
def test_the_million_companies_bench_runs_in_one_process_and_under_load(tmp_path):
    results = tmp_path / "million.json"
    report = tmp_path / "million.md"
    command = [
        sys.executable,
        "bench/run.py",
        "--million",
        # Just above the 6,000 companies it calls, twice: the sizes of a
        # real run are 10,000 and 1,000,000.
        "--million-small=6010",
        "--million-large=6020",
        "--rounds=1",
        "--duration=1",
        "--warmup=0",
        f"--postgres-name=atom_bench_million_smoke_{os.getpid()}",
        f"--json={results}",
        f"--report={report}",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]

    data = json.loads(results.read_text())
    assert [size["companies"] for size in data] == [6010, 6020]
    for size in data:
        stats = size["stats"]
        # More companies called than the bound: each table stops at it.
        assert stats["limit"] == 5000 and stats["companies"] == stats["tokens"] == 5000
        assert size["warm_us"] > 0 and size["lookup_us"] > 0
        # A cold call's lookups: the token, the company's addresses, the company.
        lookups = [sql for sql in size["cold_statements"] if sql.startswith("SELECT")]
        assert len(lookups) >= 3
        load = size["load"]
        for run in (load["one"], load["many"]):
            assert run["rate"] > 0 and run["failed"] == 0, run
            assert set(run["statuses"]) == {"200"}, run
        assert len(load["peak_mib"]) == 2 and all(mib > 0 for mib in load["peak_mib"])
        assert len(load["workers"]) == 2
        assert all(worker["companies"] <= 5000 for worker in load["workers"])
    assert "Under load" in report.read_text()
