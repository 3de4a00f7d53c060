"""`make bench`: load, propagation and micro benchmarks of Atom's request gate.

Creates a fresh database (a temporary SQLite file, or with DATABASE_URL a
dedicated PostgreSQL database, ``atom_bench``, dropped and created on that
server), seeds 10,000 companies, starts `atom serve` (gunicorn, 2 sync
workers, as `make run` does) and drives it with wrk in interleaved rounds:

* ``GET /api/v1/ping``, public: the baseline of each round;
* the same JSON as ``GET /api/v1/company`` from a plain Django project
  (bench/baseline: startproject's middleware, started beside Atom with the
  same gunicorn workers): the yardstick of "ratio to plain Django";
* ``GET /api/v1/company`` with the token: the authenticated hot path;
* ``GET /`` with a console session: a logged-in console page, with the
  allowlist, session limits and last-activity checks of every console click;
* ``POST /webhooks/flows/<id>`` with the token: durable intake, each
  request with its own Idempotency-Key;
* a good token from a disallowed address (403), and a bad token (401, then
  429 once the address has failed 30 times in the minute).

The bad token goes last in each round, and the next round waits for the
failure window to turn over, or its throttle would refuse the next round's
good requests from the same address too. With REDIS_URL the counters live in
Redis. Then two servers measure how long a Save takes to reach every worker,
and the micro benchmarks run. The report (markdown) goes to standard output
and, with --report, to a file; --json keeps every measure.

Usage: python bench/run.py [--rounds 5] [--duration 10] [--report FILE] ...
Only ever sends load to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database as bench_database  # noqa: E402
from bench import load, propagation, report  # noqa: E402
from bench.server import Server, baseline_command, baseline_environment  # noqa: E402

# Each worker of the load server writes its security state's statistics as it exits.
STATS_HOOK = ROOT / "bench" / "gunicorn_stats.py"
FAILURE_WINDOW = 60  # the server's ATOM_TOKEN_FAILURE_WINDOW_SECONDS (its default)
WEBHOOK_BODY = json.dumps(
    {"phoneNumber": "50755667788", "variables": {"orderId": "A-1001", "amount": 12.5}}
)


def send_body(template_id: int) -> str:
    return json.dumps(
        {
            "templateId": str(template_id),
            "phoneNumber": "50755667788",
            "firstName": "Ana",
            "lastName": "Pérez",
            "assign": False,
            "params": {"1": "Ana", "2": "A-1001"},
        }
    )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds per endpoint, unmeasured"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--allowlist", type=int, default=1_000, help="entries of the measured list")
    parser.add_argument(
        "--propagation-trials", type=int, default=20, help="trials per kind of change; 0: skip"
    )
    parser.add_argument("--propagation-window", type=float, default=1.5)
    parser.add_argument("--micro", choices=["full", "quick", "skip"], default="full")
    parser.add_argument("--postgres-name", default="atom_bench", help="the bench database's name")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    parser.add_argument("--report", type=Path, help="also write the markdown report here")
    parser.add_argument("--json", type=Path, help="write every measure here")
    parser.add_argument(
        "--million",
        action="store_true",
        help="PostgreSQL only, instead of the load rounds: seed 10,000 and then 1,000,000 "
        "companies fast (INSERT ... SELECT generate_series) and report the gate's cost warm "
        "and cold and a worker's peak memory and cache statistics at each size "
        "(bench/million.py)",
    )
    parser.add_argument("--million-small", type=int, default=10_000, help=argparse.SUPPRESS)
    parser.add_argument("--million-large", type=int, default=1_000_000, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def server_environment(bench_db, work_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The harness sets these itself; HOST, PORT and WORKERS would change
        # what `atom serve` does.
        if not key.startswith(("ATOM_", "DJANGO_", "GUNICORN_"))
        and key not in ("DATABASE_URL", "HOST", "PORT", "WORKERS")
    }
    data_dir = work_dir / "data"
    data_dir.mkdir(exist_ok=True)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "atom.settings",
            "DATABASE_URL": bench_db.url,
            "ATOM_DATA_DIR": str(data_dir),
            "ATOM_SECRET_KEY": secrets.token_urlsafe(48),
            # The client, 127.0.0.1, must be able to stand on an allowlist.
            "ATOM_ALLOW_PRIVATE_ADDRESSES": "1",
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def endpoints_for(seeded, webhook_path: str | None) -> list[load.Endpoint]:
    good = f"Bearer {seeded.measured_token}"
    # Right shape, right checksum, issued never: the dearest bad token to
    # refuse (a digest and a cache lookup, not only a format check).
    from atom.security.core import tokens

    unknown = tokens.generate()
    endpoints = [
        load.Endpoint(
            "ping", "`GET /api/v1/ping` (public, baseline)", "/api/v1/ping", frozenset({200})
        ),
        load.Endpoint(
            "django",
            "plain Django JSON view, default middleware, no access log (bench/baseline)",
            "/api/v1/company",
            frozenset({200}),
            server="django",
        ),
        load.Endpoint(
            "company",
            "`GET /api/v1/company` (token, 1,000-entry allowlist)",
            "/api/v1/company",
            frozenset({200}),
            authorization=good,
        ),
    ]
    if seeded.integration_token:
        endpoints.append(
            load.Endpoint(
                "integration",
                "`GET /api/v1/company` (integration token: 2 scopes, own 100-entry list)",
                "/api/v1/company",
                frozenset({200}),
                authorization=f"Bearer {seeded.integration_token}",
            )
        )
    if webhook_path:
        endpoints.append(
            load.Endpoint(
                "webhook",
                "`POST /webhooks/flows/<id>` (token, unique Idempotency-Key)",
                webhook_path,
                frozenset({202}),
                method="POST",
                authorization=good,
                body=WEBHOOK_BODY,
                key_prefix=f"bench-{secrets.token_hex(4)}",
            )
        )
    if seeded.template_id is not None:
        endpoints.append(
            load.Endpoint(
                "send",
                "`POST /api/v1/templates/send` (token, unique Idempotency-Key)",
                "/api/v1/templates/send",
                frozenset({202}),
                method="POST",
                authorization=good,
                body=send_body(seeded.template_id),
                key_prefix=f"send-{secrets.token_hex(4)}",
            )
        )
    endpoints.append(
        load.Endpoint(
            "console",
            "`GET /` logged in (console session, 1,000-entry allowlist, session limits)",
            "/",
            frozenset({200}),
            cookie=console_cookie(seeded),
        )
    )
    endpoints += [
        load.Endpoint(
            "disallowed",
            "good token, disallowed address (403)",
            "/api/v1/company",
            frozenset({403}),
            authorization=f"Bearer {seeded.refused_token}",
        ),
        load.Endpoint(
            "bad_token",
            "bad token (401, then 429 after 30 a minute)",
            "/api/v1/company",
            frozenset({401, 429}),
            authorization=f"Bearer {unknown}",
        ),
    ]
    return endpoints


def console_cookie(seeded) -> str:
    """A logged-in console session of an owner of the measured company, as a Cookie header.

    Made in the session store directly: the log-in page's Argon2 and
    throttling are not what the row measures, the pages after it are.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from atom.accounts.models import Role, User
    from atom.companies.models import Company

    user = User(
        email="console@measured.bench",
        company=Company.objects.get(slug=seeded.measured_slug),
        role=Role.OWNER,
    )
    user.set_unusable_password()
    user.save()
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "atom.accounts.backends.EmailBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def webhook_path_for(flow_id: int | None) -> str | None:
    if flow_id is None:
        return None
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("atom-api:flow_webhook", kwargs={"flow_id": flow_id})
    except NoReverseMatch:
        return None


def machine_busy_seconds() -> float:
    """CPU time every core of the machine has spent not idle (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this harness and the children it waited for (wrk)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def wait_for_failure_window() -> None:
    """Sleep into the next failure-throttle window (plus a margin)."""
    now = time.time()
    time.sleep(FAILURE_WINDOW - now % FAILURE_WINDOW + 0.5)


def run_rounds(
    servers: dict[str, Server], endpoints: list[load.Endpoint], args
) -> list[load.Measure]:
    def one(endpoint, number, seconds):
        server = servers[endpoint.server]
        offset = server.log_path.stat().st_size
        before = (server.cpu_seconds(), machine_busy_seconds(), own_cpu_seconds())
        measure = load.run(
            endpoint,
            server.base_url,
            round_number=number,
            seconds=seconds,
            threads=args.threads,
            connections=args.connections,
        )
        cpu, busy, own = (
            after - earlier
            for after, earlier in zip(
                (server.cpu_seconds(), machine_busy_seconds(), own_cpu_seconds()),
                before,
                strict=True,
            )
        )
        if measure.requests:
            measure.server_cpu_us = cpu / measure.requests * 1e6
        # What the rest of the machine took meanwhile (other programs,
        # kernel threads): the noise in this run's req/s, in cores.
        measure.other_cores = max(0.0, busy - cpu - own) / measure.seconds
        time.sleep(0.5)  # the last answers reach the log
        measure.statuses, _ = load.logged_statuses(server.log_path, offset, endpoint)
        return measure

    rotating = [e for e in endpoints if e.name != "bad_token"]
    last = [e for e in endpoints if e.name == "bad_token"]
    if args.warmup > 0:
        say(f"warm-up: {args.warmup:.0f} s per endpoint")
        for endpoint in rotating:
            one(endpoint, 0, args.warmup)
    measures = []
    for number in range(1, args.rounds + 1):
        shift = (number - 1) % len(rotating)
        order = rotating[shift:] + rotating[:shift] + last
        for endpoint in order:
            measure = one(endpoint, number, args.duration)
            measures.append(measure)
            say(
                f"round {number} {endpoint.name:>10}: {measure.rate:8,.0f} req/s  "
                f"p50 {measure.p50_ms:6.2f} ms  p99 {measure.p99_ms:6.2f} ms  "
                f"cpu {measure.server_cpu_us:5.0f} µs/req  "
                f"others {measure.other_cores:4.2f} cores  "
                f"statuses {measure.statuses}  socket errors {measure.socket_errors}"
            )
        if last and number < args.rounds:
            wait_for_failure_window()
    return measures


def intake_check(endpoints: list[load.Endpoint], measures: list[load.Measure]) -> dict | None:
    """Every 202 is a stored row: compare the keys stored per round with the 202s counted.

    The webhook's runs and the template sends' messages are each stored with
    their Idempotency-Key in one transaction, so a 202 without its key
    would be a lost request.
    """
    webhook = next((e for e in endpoints if e.name == "webhook"), None)
    if webhook is None:
        return None
    from atom.api.models import IdempotencyKey
    from atom.flows.models import FlowRun

    def count(name: str) -> tuple[int, int, int]:
        endpoint = next((e for e in endpoints if e.name == name), None)
        accepted = stored = lost = 0
        for measure in measures:
            if endpoint is None or measure.endpoint != name:
                continue
            prefix = f"{endpoint.key_prefix}-{measure.round}-"
            keys = IdempotencyKey.objects.filter(key__startswith=prefix).count()
            ok = measure.statuses.get(202, 0)
            accepted += ok
            stored += keys
            lost += max(0, ok - keys)
        return accepted, stored, lost

    accepted, stored, lost = count("webhook")
    send_accepted, send_stored, send_lost = count("send")
    runs = FlowRun.objects.count()
    run_keys = IdempotencyKey.objects.filter(key__startswith=webhook.key_prefix).count()
    return {
        "accepted_202": accepted,
        "stored_in_measured_runs": stored,
        "lost": lost + send_lost,
        "send_accepted_202": send_accepted,
        "send_stored": send_stored,
        "send_lost": send_lost,
        "runs_total": runs,
        "keys_total": IdempotencyKey.objects.count(),
        "runs_without_key": runs - run_keys,
    }


def machine(bench_db, redis_url: str | None) -> dict[str, str]:
    import django
    import gunicorn

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    redis_version = "off (local memory counters)"
    if redis_url:
        import redis

        info = redis.Redis.from_url(redis_url).info("server")
        redis_version = f"Redis {info['redis_version']} ({redis_url})"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0].split(" Copyright")[0],
        "database": bench_database.server_version(bench_db),
        "counters": redis_version,
    }


def micro_tables(mode: str) -> str:
    if mode == "skip":
        return ""
    out = []
    for script in (
        "micro_tokens.py",
        "micro_allowlist.py",
        "micro_gate.py",
        "micro_baseline.py",
        "micro_access_log.py",
        "micro_state_cache.py",
    ):
        command = [sys.executable, str(ROOT / "bench" / script)]
        if mode == "quick":
            command.append("--quick")
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
        out.append(done.stdout.strip())
    return "\n\n".join(out)


def render(
    info, args, seeded, rows, endpoints, measures, memory, intake, trials, micro, cache=None
) -> str:
    lines = [
        f"### {info['database'].split()[0]}, counters: "
        f"{'Redis' if info['counters'].startswith('Redis') else 'local memory'}",
        "",
        f"{info['date']}; {info['cpu']}, {info['memory']}; Linux {info['kernel']}; "
        f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']} "
        f"({args.workers} sync workers); {info['database']}; counters: {info['counters']}; "
        f"{info['wrk']}.",
        "",
        f"{seeded.companies:,} companies, each with its own token; the measured company has "
        f"{seeded.allowlist_size:,} Allowed IP Addresses including the client. "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration:.0f}s --latency`, "
        f"{args.rounds} interleaved rounds, medians; ratios against the same round's ping.",
        "",
        report.load_table(rows),
        "",
        "Per round, req/s:",
        "",
        report.rounds_table(endpoints, measures),
        "",
        "Peak memory (VmHWM) of the workers after the rounds: "
        + ", ".join(f"{mib:.0f} MiB" for mib in sorted(memory.values()))
        + ".",
    ]
    if cache is not None:
        lines += ["", report.state_cache_line(cache)]
    if intake is not None:
        lines += [
            "",
            f"Webhook intake: the server answered 202 {intake['accepted_202']:,} times in the "
            f"measured runs and stored {intake['stored_in_measured_runs']:,} runs with their "
            f"keys: {intake['lost']} lost (a 202 without a stored run)"
            + (
                "; the difference is requests still in flight when the log was read."
                if intake["stored_in_measured_runs"] != intake["accepted_202"]
                else "."
            ),
        ]
        if intake["send_accepted_202"]:
            lines += [
                "",
                f"Template sends: 202 {intake['send_accepted_202']:,} times, "
                f"{intake['send_stored']:,} messages stored with their keys: "
                f"{intake['send_lost']} lost.",
            ]
    if trials:
        lines += [
            "",
            "Propagation (two servers, 2 workers each):",
            "",
            report.propagation_table(trials),
        ]
    if micro:
        lines += ["", "Micro benchmarks (µs per call):", "", micro]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.million:
        from bench import million

        return million.run(args, say)
    if load.wrk_path() is None:
        say("bench: wrk is not installed; `apt-get install -y wrk` (make bench does it).")
        return 2
    work_dir = Path(tempfile.mkdtemp(prefix="atom-bench-"))
    bench_db = bench_database.choose(os.environ.get("DATABASE_URL"), work_dir, args.postgres_name)
    redis_url = os.environ.get("REDIS_URL") or None
    env = server_environment(bench_db, work_dir)
    servers: list[Server] = []
    try:
        bench_db.create()
        setup_django(env)
        from django.core.management import call_command
        from django.db import connections

        from bench.seed import seed

        say(f"bench: {bench_db.label} at {bench_db.url}; counters: {redis_url or 'local memory'}")
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        seeded = seed(args.companies, args.allowlist)
        say(f"seeded {seeded.companies:,} companies in {time.monotonic() - started:.1f} s")
        endpoints = endpoints_for(seeded, webhook_path_for(seeded.flow_id))
        if not any(e.name == "webhook" for e in endpoints):
            say("bench: no flow webhook in this tree; measuring without it")
        connections.close_all()

        server = Server(
            env={**env, "GUNICORN_CMD_ARGS": f"--config {STATS_HOOK}"},
            log_path=work_dir / "server.log",
            workers=args.workers,
        ).start()
        servers.append(server)
        plain = Server(
            env=baseline_environment(env, work_dir),
            log_path=work_dir / "baseline.log",
            workers=args.workers,
            command=baseline_command(args.workers),
        ).start()
        servers.append(plain)
        measures = run_rounds({"atom": server, "django": plain}, endpoints, args)
        memory = server.peak_memory_mib()
        for started_server in (server, plain):
            started_server.stop()
            servers.remove(started_server)
        cache = report.state_cache_stats(server.log_path.read_text(errors="replace"))
        intake = intake_check(endpoints, measures)
        rows = report.summarize(endpoints, measures)

        trials = []
        if args.propagation_trials > 0:
            say("propagation: two servers")
            servers += propagation.start_servers(env, work_dir, args.workers)
            trials = propagation.Trials(
                servers,
                seeded.propagation_slug,
                seeded.propagation_token,
                window=args.propagation_window,
            ).run(args.propagation_trials, say)
        micro = micro_tables(args.micro)
        info = machine(bench_db, redis_url)
        text = render(
            info, args, seeded, rows, endpoints, measures, memory, intake, trials, micro, cache
        )
        print(text)
        if args.report:
            args.report.write_text(text)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "machine": info,
                        "arguments": {k: str(v) for k, v in vars(args).items()},
                        "rows": [asdict(row) for row in rows],
                        "measures": [
                            {k: v for k, v in asdict(m).items() if k != "raw"} for m in measures
                        ],
                        "memory_mib": memory,
                        "state_cache": cache,
                        "intake": intake,
                        "propagation": [asdict(t) for t in trials],
                    },
                    indent=2,
                )
            )
        failed = [row.endpoint for row in rows if row.socket_errors or row.unexpected]
        if intake and intake["lost"]:
            failed.append("webhook (lost runs)")
        if failed:
            say(f"bench: errors or unexpected answers on: {', '.join(failed)}")
            return 1
        return 0
    finally:
        for server in servers:
            server.stop()
        if "django.apps" in sys.modules and sys.modules["django.apps"].apps.ready:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            bench_db.drop()
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            say(f"bench: kept {work_dir} and {bench_db.url}")


if __name__ == "__main__":
    sys.exit(main())
