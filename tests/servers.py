"""Real Atom server processes for tests: `atom serve` (gunicorn) on the test database.

Tests that use these need committed data (the ``transactional_db`` fixture),
because the servers are other processes with their own connections.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from bench.server import ROOT, free_port, launch, terminate

__all__ = [
    "ROOT",
    "AtomServer",
    "Response",
    "call_api",
    "free_port",
    "server_database_url",
    "wait_until",
    "warm",
]


def server_database_url() -> str:
    """The URL of the database this test process uses, for the servers it starts."""
    conf = connection.settings_dict
    if conf["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(conf['NAME']).resolve()}"
    user = conf.get("USER") or "postgres"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{conf['NAME']}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class AtomServer:
    env: dict[str, str] = field(default_factory=dict)
    workers: int = 2
    host: str = "127.0.0.1"
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 30.0) -> AtomServer:
        self.port = self.port or free_port()
        data_dir = tempfile.mkdtemp(prefix="atom-server-")
        self.log_path = Path(data_dir) / "server.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "atom.settings",
            "DATABASE_URL": server_database_url(),
            "ATOM_DATA_DIR": data_dir,
            "ATOM_SECRET_KEY": os.environ["ATOM_SECRET_KEY"],
            "ATOM_PROPAGATION_INTERVAL_MS": "250",
            **self.env,
        }
        with open(self.log_path, "wb") as log:
            self.process = launch(
                host=self.host, port=self.port, workers=self.workers, env=env, log_file=log
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"atom serve exited early:\n{self.log()}")
            try:
                if self.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        log = self.log()
        self.stop()
        raise RuntimeError(f"atom serve did not answer in {timeout}s:\n{log}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, timeout=15)
        if self.log_path is not None and not os.environ.get("ATOM_KEEP_SERVER_LOGS"):
            shutil.rmtree(self.log_path.parent, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no chance to clean up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | str | None = None,
        source: str | None = None,
        timeout: float = 10.0,
    ) -> Response:
        """One HTTP request, optionally from a given local source address (e.g. 127.0.0.2)."""
        conn = http.client.HTTPConnection(
            self.host, self.port, timeout=timeout, source_address=(source, 0) if source else None
        )
        try:
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Response(response.status, dict(response.getheaders()), response.read())
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Response:
        return self.request("POST", path, **kwargs)


def call_api(server: AtomServer, token: str, source: str | None = None) -> Response:
    """GET /api/v1/company with ``token``, optionally from a local source address."""
    return server.get(
        "/api/v1/company", headers={"Authorization": f"Bearer {token}"}, source=source
    )


def warm(server: AtomServer, token: str, source: str | None = None) -> None:
    """Call the API enough times to reach both workers, so both cache the current state."""
    for _ in range(8):
        assert call_api(server, token, source).status == 200


def wait_until(predicate, *, timeout: float, interval: float = 0.02) -> float:
    """Seconds until ``predicate()`` held; raise AssertionError after ``timeout``."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
