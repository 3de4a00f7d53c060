"""`atom serve` processes for the benchmark: start, find the workers, stop."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch(
    *,
    host: str,
    port: int,
    workers: int,
    env: dict[str, str],
    log_file,
    command: list[str] | None = None,
) -> subprocess.Popen:
    """`atom serve` without the demo company (or ``command``), in a process
    group of its own (so that it and its workers stop together), writing to
    ``log_file``."""
    command = command or [
        sys.executable,
        "-m",
        "atom.cli",
        "serve",
        "--no-demo",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    return subprocess.Popen(
        command,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )


def terminate(process: subprocess.Popen, timeout: float) -> None:
    """Stop the server gracefully, or kill it after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def baseline_command(workers: int) -> list[str]:
    """gunicorn serving bench/baseline (a plain Django project), as `atom serve`
    serves Atom: sync workers, no control socket; no access log, as the
    issue's yardstick had none. ``{port}`` is filled in by Server.start."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.baseline.wsgi:application",
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
    ]


def baseline_environment(env: dict[str, str], data_dir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in env.items() if not k.startswith(("ATOM_", "DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "bench.baseline.settings",
        "BASELINE_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    }


@dataclass
class Server:
    env: dict[str, str]
    log_path: Path
    workers: int = 2
    host: str = "127.0.0.1"
    port: int = 0
    # None: `atom serve`; else the command (see baseline_command).
    command: list[str] | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        self.port = self.port or free_port()
        with open(self.log_path, "ab") as log:
            self.process = launch(
                host=self.host,
                port=self.port,
                workers=self.workers,
                env=self.env,
                log_file=log,
                command=self.command and [part.format(port=self.port) for part in self.command],
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"atom serve exited early:\n{self.log_tail()}")
            if self._answers() and len(self.worker_pids()) == self.workers:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"atom serve did not answer in {timeout}s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of the master (`atom serve` execs it)."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far.

        Per request, this is what an endpoint costs the server, and unlike
        req/s it hardly moves when other programs share the machine.
        """
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def peak_memory_mib(self) -> dict[int, float]:
        """Peak resident memory (VmHWM) of each worker so far, in MiB."""
        peaks: dict[int, float] = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        return peaks

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, timeout=20)
