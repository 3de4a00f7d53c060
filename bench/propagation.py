"""How long a Save takes to be enforced by every worker of every server.

Two `atom serve` processes (two gunicorn workers each) share the bench
database, as two hosts share one PostgreSQL. Poller threads keep every
worker busy with ``GET /api/v1/company?probe=<n>``; each server writes the
pid of the worker that answered each probe in its log (a gunicorn hook,
bench/gunicorn_probe.py), so every answer is tied to a worker. A trial:

1. sets the stage, then polls until each worker has answered the old way;
2. saves the change through the same code as the console's Save
   (atom.security.services.save_section, api_tokens.end_grace), in this process,
   and notes the moment the commit returned;
3. keeps polling for ``window`` seconds.

A worker enforces the change from its last old-way answer to a probe sent
after the commit (or, if it gave none, from its first new-way answer): the
trial's figure is the latest of these over all workers. Time-based changes
(a grace period ending) are timed from the expiry instead of a commit.
"""

from __future__ import annotations

import http.client
import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path

from bench.seed import ADMIN_ADDRESS, PROBE_NETWORK
from bench.server import Server

HOOK = Path(__file__).resolve().parent / "gunicorn_probe.py"
_LOG_LINE = re.compile(r"^bench-probe <(\d+)> (\d+)$")
KINDS = ("token_save", "token_revoke", "grace_end", "allowlist_save")
LABELS = {
    "token_save": "Token save (new token on, old token off)",
    "token_revoke": "Token revoke (end a grace period now)",
    "grace_end": "Grace period ends (by the clock)",
    "allowlist_save": "Allowlist save (client removed / added back)",
}


@dataclass(frozen=True)
class Probe:
    authorization: str
    old_status: int
    new_status: int


@dataclass
class Answer:
    number: int
    server: int
    probe: Probe
    sent: float
    received: float
    status: int
    pid: int | None = None


@dataclass
class Trial:
    kind: str
    seconds: float | None  # None: not every worker answered after the change
    workers: int
    stale_after_change: int
    unexpected: int


@dataclass
class Poller:
    servers: list[Server]
    threads_per_server: int = 3
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._probes: list[Probe] = []
        self._numbers = itertools.count(1)
        self._running = False
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self._running = True
        for index, server in enumerate(self.servers):
            for _ in range(self.threads_per_server):
                thread = threading.Thread(target=self._poll, args=(index, server), daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._running = False
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def use(self, probes: list[Probe]) -> None:
        with self._lock:
            self._probes = probes
            self.answers = []

    def take(self) -> list[Answer]:
        with self._lock:
            taken, self.answers = self.answers, []
        return taken

    def _poll(self, index: int, server: Server) -> None:
        turn = 0
        while self._running:
            probes = self._probes
            if not probes:
                time.sleep(0.01)
                continue
            probe = probes[turn % len(probes)]
            turn += 1
            number = next(self._numbers)
            connection = http.client.HTTPConnection(
                server.host, server.port, timeout=5, source_address=(source_address(number), 0)
            )
            sent = time.monotonic()
            try:
                connection.request(
                    "GET",
                    f"/api/v1/company?probe={number}",
                    headers={"Authorization": probe.authorization},
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                connection.close()
            answer = Answer(number, index, probe, sent, time.monotonic(), status)
            with self._lock:
                if probe in self._probes:
                    self.answers.append(answer)


def source_address(number: int) -> str:
    """One of 64,000 loopback addresses in PROBE_NETWORK, in turn.

    A probe answered 401 counts as a failed token attempt of its address,
    and 30 a minute from one address would turn the probes into 429s: spread
    over 64,000 addresses, no address comes near that.
    """
    k = number % 64_000
    return f"127.1.{k // 250}.{k % 250 + 1}"


class LogReader:
    """Reads the probe lines each server appended to its log since last time."""

    def __init__(self, servers: list[Server]) -> None:
        self.paths = [server.log_path for server in servers]
        self.offsets = [path.stat().st_size for path in self.paths]

    def pids(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for index, path in enumerate(self.paths):
            with open(path, "rb") as log:
                log.seek(self.offsets[index])
                data = log.read()
            # Keep a partial last line for next time.
            end = data.rfind(b"\n") + 1
            self.offsets[index] += end
            for line in data[:end].decode(errors="replace").splitlines():
                match = _LOG_LINE.match(line)
                if match:
                    found[int(match.group(2))] = int(match.group(1))
        return found


def measure(answers: list[Answer], pids: dict[int, int], changed_at: float, kind: str) -> Trial:
    by_worker: dict[int, float] = {}
    stale_after = unexpected = 0
    for answer in answers:
        answer.pid = pids.get(answer.number)
        if answer.status not in (answer.probe.old_status, answer.probe.new_status):
            unexpected += 1
    late = [a for a in answers if a.sent >= changed_at and a.pid is not None]
    for pid in {a.pid for a in late}:
        mine = sorted((a for a in late if a.pid == pid), key=lambda a: a.received)
        stale = [a for a in mine if a.status == a.probe.old_status]
        stale_after += len(stale)
        fresh = [a for a in mine if a.status == a.probe.new_status]
        if stale:
            by_worker[pid] = stale[-1].received - changed_at
        elif fresh:
            by_worker[pid] = fresh[0].received - changed_at
    return Trial(
        kind=kind,
        seconds=max(by_worker.values()) if by_worker else None,
        workers=len(by_worker),
        stale_after_change=stale_after,
        unexpected=unexpected,
    )


class Trials:
    """The four kinds of change, each repeated, on the propagation company."""

    def __init__(self, servers: list[Server], slug: str, token: str, *, window: float) -> None:

        from atom.accounts.models import User
        from atom.companies.models import Company

        self.servers = servers
        self.company = Company.objects.get(slug=slug)
        self.owner = User.objects.get(company=self.company)
        self.token = token
        self.window = window
        self.poller = Poller(servers)
        self.workers = sum(server.workers for server in servers)
        self.client_allowed = True

    # -- the console's Save, in this process ---------------------------------

    def _actor(self):
        from atom.audit.actors import Actor

        return Actor.for_user(self.owner, ip=ADMIN_ADDRESS, user_agent="atom-bench")

    def _save(self, *, pending_id: int | None = None, grace: str = "0", client: bool | None = None):
        from atom.security import services
        from atom.security.forms import SecuritySettingsForm

        data = dict(SecuritySettingsForm.for_company(self.company).initial)
        if client is not None:
            lines = [
                line
                for line in data["allowed_addresses"].splitlines()
                if line.split()[0] != PROBE_NETWORK
            ]
            if client:
                lines.insert(0, PROBE_NETWORK)
            data["allowed_addresses"] = "\n".join(lines)
        if pending_id is not None:
            data["pending_token"] = pending_id
            data["old_token_grace"] = grace
        form = SecuritySettingsForm(data)
        if not form.is_valid():
            raise RuntimeError(f"bench: the Save form was refused: {form.errors.as_text()}")
        services.save_section(
            self.company,
            form.change(),
            self._actor(),
            client_address=ip_address(ADMIN_ADDRESS),
            recently_confirmed=True,
        )
        self.company.refresh_from_db()

    def _pending(self) -> tuple[int, str]:
        from atom.security import api_tokens

        row = api_tokens.generate_pending(self.company, self._actor())
        return row.id, api_tokens.reveal(row)

    # -- one trial ----------------------------------------------------------

    def _trial(self, kind: str, probes: list[Probe], change: Callable[[], float]) -> Trial:
        self.poller.use(probes)
        self._wait_for_every_worker(probes)
        reader = LogReader(self.servers)
        changed_at = change()
        time.sleep(max(0.0, changed_at + self.window - time.monotonic()))
        answers = self.poller.take()
        time.sleep(0.2)  # let the servers flush their last log lines
        return measure(answers, reader.pids(), changed_at, kind)

    def _wait_for_every_worker(self, probes: list[Probe], timeout: float = 10.0) -> None:
        """Poll until every worker answered every probe the old way (the stage is set)."""
        reader = LogReader(self.servers)
        self.poller.take()
        deadline = time.monotonic() + timeout
        seen: dict[int, set[Probe]] = {}
        statuses: dict[int, int] = {}
        while time.monotonic() < deadline:
            time.sleep(0.1)
            answers = self.poller.take()
            pids = reader.pids()
            for answer in answers:
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
                pid = pids.get(answer.number)
                if pid is not None and answer.status == answer.probe.old_status:
                    seen.setdefault(pid, set()).add(answer.probe)
            if sum(1 for got in seen.values() if len(got) == len(probes)) >= self.workers:
                return
        raise RuntimeError(
            f"bench: the workers did not all answer the old way before a trial: "
            f"answers by status {statuses}, workers seen {len(seen)} of {self.workers}, "
            f"probes {[(p.old_status, p.new_status) for p in probes]}"
        )

    def token_save(self) -> Trial:
        pending_id, new = self._pending()
        old = self.token
        probes = [
            Probe(f"Bearer {old}", old_status=200, new_status=401),
            Probe(f"Bearer {new}", old_status=401, new_status=200),
        ]

        def change() -> float:
            self._save(pending_id=pending_id, grace="0")
            return time.monotonic()

        trial = self._trial("token_save", probes, change)
        self.token = new
        return trial

    def token_revoke(self) -> Trial:
        from atom.security import api_tokens
        from atom.security.models import ApiToken

        old = self.token
        pending_id, new = self._pending()
        self._save(pending_id=pending_id, grace="1h")
        self.token = new
        grace_row = ApiToken.objects.get(company=self.company, status="grace")
        probes = [Probe(f"Bearer {old}", old_status=200, new_status=401)]

        def change() -> float:
            api_tokens.end_grace(self.company, grace_row.id, self._actor())
            return time.monotonic()

        return self._trial("token_revoke", probes, change)

    def grace_end(self) -> Trial:
        from django.db import transaction

        from atom.security import api_tokens
        from atom.security.changes import announce_change
        from atom.security.locks import lock_policy

        old = self.token
        pending_id, new = self._pending()
        grace = timedelta(seconds=2)
        with transaction.atomic():
            lock_policy(self.company)
            pending = api_tokens.pending_token(self.company, self.owner, pending_id)
            activation = api_tokens.activate_locked(self.company, pending, grace, self._actor())
            announce_change()
        self.token = new
        ends = activation.old.expires_at.timestamp()
        probes = [Probe(f"Bearer {old}", old_status=200, new_status=401)]

        def change() -> float:
            # Nothing is saved: the moment is the end of the grace period.
            time.sleep(max(0.0, ends - time.time()))
            wall, monotonic = time.time(), time.monotonic()
            return monotonic - (wall - ends)

        return self._trial("grace_end", probes, change)

    def allowlist_save(self) -> Trial:
        allowed_now = not self.client_allowed
        probe = Probe(
            f"Bearer {self.token}",
            old_status=200 if self.client_allowed else 403,
            new_status=200 if allowed_now else 403,
        )

        def change() -> float:
            self._save(client=allowed_now)
            return time.monotonic()

        trial = self._trial("allowlist_save", [probe], change)
        self.client_allowed = allowed_now
        return trial

    def run(self, repeat: int, progress: Callable[[str], None]) -> list[Trial]:
        results: list[Trial] = []
        self.poller.start()
        try:
            for kind in KINDS:
                for number in range(repeat):
                    trial = getattr(self, kind)()
                    results.append(trial)
                    shown = "n/a" if trial.seconds is None else f"{trial.seconds * 1000:.0f} ms"
                    progress(f"  {kind} {number + 1}/{repeat}: {shown}, {trial.workers} workers")
            if not self.client_allowed:
                self._save(client=True)
                self.client_allowed = True
        finally:
            self.poller.stop()
        return results


def probe_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of a propagation server: its log names each probe's worker."""
    return {**env, "GUNICORN_CMD_ARGS": f"--config {HOOK}"}


def start_servers(env: dict[str, str], work_dir: Path, workers: int) -> list[Server]:
    servers = []
    for name in ("a", "b"):
        server = Server(
            env=probe_env(env), log_path=work_dir / f"propagation-{name}.log", workers=workers
        )
        servers.append(server.start())
    return servers
