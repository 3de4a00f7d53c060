"""Driving a server with wrk and reading what it measured.

wrk runs with bench/wrk/measure.lua, which prints one JSON line at the end
(the human-readable part of wrk's output is kept beside it). The statuses
of the answers are counted from the server's access log, so that wrk does
no work per response beyond its own (see the script).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "measure.lua"
WRK = "wrk"
# The request line and status of a gunicorn access log line, whatever else
# its format (ATOM's, or gunicorn's default) puts around them.
_LOGGED = re.compile(r'"([A-Z]+) ([^ "?]+)[^"]* HTTP/[0-9.]+" (\d{3}) ')


def wrk_path() -> str | None:
    return shutil.which(WRK)


@dataclass(frozen=True)
class Endpoint:
    """One line of the benchmark: a request, and the statuses it should get."""

    name: str
    label: str
    path: str
    expected: frozenset[int]
    method: str = "GET"
    authorization: str = ""
    body: str = ""
    # Unique Idempotency-Key per request (keys start with this + run number).
    key_prefix: str = ""
    # A Cookie header (a console session), for the logged-in page row.
    cookie: str = ""
    # Which server answers: "atom", or "django" (bench/baseline, the plain
    # Django project every ratio to plain Django is taken against).
    server: str = "atom"
    # A file of Authorization values, one per line: each request carries one
    # of them, picked with a skew (bench/wrk/measure.lua), not ``authorization``.
    tokens_file: str = ""


@dataclass
class Measure:
    endpoint: str
    round: int
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    # wrk's count of answers that were not 2xx or 3xx.
    non_2xx_3xx: int
    expected: list[int]
    # From the server's access log: answers to this endpoint by status.
    statuses: dict[int, int] = field(default_factory=dict)
    # CPU time of the server's workers during the run, per request.
    server_cpu_us: float = 0.0
    # CPU the rest of the machine used meanwhile, in cores (noise).
    other_cores: float = 0.0
    raw: str = field(repr=False, default="")

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def socket_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def unexpected(self) -> int:
        """Answers whose status is not one this endpoint should give."""
        logged = sum(n for status, n in self.statuses.items() if status not in self.expected)
        if all(status < 400 for status in self.expected):
            return max(logged, self.non_2xx_3xx)
        return logged

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.socket_errors == 0 and self.unexpected == 0


def run(
    endpoint: Endpoint,
    base_url: str,
    *,
    round_number: int,
    seconds: float,
    threads: int,
    connections: int,
) -> Measure:
    env = {
        **os.environ,
        "BENCH_AUTHORIZATION": endpoint.authorization,
        "BENCH_COOKIE": endpoint.cookie,
        "BENCH_METHOD": endpoint.method,
        "BENCH_BODY": endpoint.body,
        "BENCH_KEY_PREFIX": (
            f"{endpoint.key_prefix}-{round_number}" if endpoint.key_prefix else ""
        ),
        "BENCH_TOKENS_FILE": endpoint.tokens_file,
    }
    duration = f"{max(1, round(seconds))}s"
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(SCRIPT),
        base_url + endpoint.path,
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((row for row in done.stdout.splitlines() if row.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed on {endpoint.name} (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    data = json.loads(line.removeprefix("BENCH "))
    return Measure(
        endpoint=endpoint.name,
        round=round_number,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=data["errors"],
        non_2xx_3xx=data["non_2xx_3xx"],
        expected=sorted(endpoint.expected),
        raw=done.stdout,
    )


def logged_statuses(log_path: Path, offset: int, endpoint: Endpoint) -> tuple[dict[int, int], int]:
    """Statuses the server logged for ``endpoint`` after ``offset``; and the new offset."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        data = log.read()
    end = data.rfind(b"\n") + 1
    counts: Counter[int] = Counter()
    for match in _LOGGED.finditer(data[:end].decode(errors="replace")):
        method, path, status = match.groups()
        if method == endpoint.method and path == endpoint.path:
            counts[int(status)] += 1
    return dict(counts), offset + end
