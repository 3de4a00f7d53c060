"""`python bench/run.py --million`: the gate's cost and each worker's memory
at 10,000 and at 1,000,000 companies, on PostgreSQL only.

For each size a fresh database is created (--postgres-name), migrated and
seeded fast: the companies the harness needs (bench/seed.py) and ``called``
companies with real tokens through the ORM, then every other company, its
SecurityPolicy row and one active ApiToken with ``INSERT ... SELECT
generate_series`` (a well-formed digest and ciphertext; those tokens are never
called). Only the harness's special companies have Allowed IP Addresses.

Then a fresh process (so that its peak memory is the gate's, not the seed's),
with ATOM_SECURITY_CACHE_ENTRIES set low, times ``gate.check``:

* warm: the measured token, its header and company already in memory;
* cold: a token and company this process has not seen (each call a different
  company): the statements it makes, counted (the lookups, and the writes of
  a token's first use from an address), and the lookups alone timed;

and calls ``called`` distinct companies (more than the bound), then the last
half-bound of them again, then reports its peak RSS (VmHWM) and
``state.stats()``. Then the same database is served by `atom serve` under
wrk (``under_load``): one company's token, and the called companies' tokens
with a skew. SQLite is refused: a million rows there is not what this
measures.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database as bench_database  # noqa: E402

SIZES = (10_000, 1_000_000)
CALLED = 6_000  # distinct companies called by the measuring process
CACHE_ENTRIES = 5_000  # ATOM_SECURITY_CACHE_ENTRIES of the measuring process
COLD_CALLS = 1_000
BULK_PREFIX = "bulk-"


def refuse_sqlite(database_url: str | None) -> None:
    if not database_url or database_url.startswith("sqlite"):
        raise SystemExit(
            "bench: --million needs PostgreSQL (DATABASE_URL=postgres://...): "
            "it seeds a million companies with INSERT ... SELECT generate_series, "
            "which SQLite is not measured with."
        )


def run(args, say) -> int:
    """Seed and measure each size in its own database; print the markdown table."""
    import tempfile

    from bench.run import server_environment

    database_url = os.environ.get("DATABASE_URL")
    refuse_sqlite(database_url)
    sizes = [args.million_small, args.million_large]
    results = []
    work_dir = Path(tempfile.mkdtemp(prefix="atom-bench-million-"))
    version = ""
    for size in sizes:
        bench_db = bench_database.choose(database_url, work_dir, args.postgres_name)
        env = server_environment(bench_db, work_dir)
        env.pop("REDIS_URL", None)
        bench_db.create()
        try:
            started = time.monotonic()
            tokens_file = work_dir / f"tokens-{size}.json"
            _child(env, "seed", str(size), str(tokens_file))
            seconds = time.monotonic() - started
            say(f"million: seeded {size:,} companies in {seconds:.1f} s")
            measure_env = {**env, "ATOM_SECURITY_CACHE_ENTRIES": str(CACHE_ENTRIES)}
            done = _child(measure_env, "measure", str(tokens_file))
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["companies"] = size
            result["seed_seconds"] = seconds
            say(f"million: {json.dumps(result)}")
            say(f"million: under load, {size:,} companies")
            result["load"] = under_load(env, tokens_file, work_dir, size, args)
            results.append(result)
            version = bench_database.server_version(bench_db)
        finally:
            if not args.keep:
                bench_db.drop()
    text = render(results, version)
    print(text)
    if args.report:
        args.report.write_text(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def under_load(env: dict[str, str], tokens_file: Path, work_dir: Path, size: int, args) -> dict:
    """The same database served by `atom serve` under wrk, as `make bench` serves it.

    Interleaved rounds of two runs: every request with the measured company's
    token (its header, token and company held: the warm path), and every
    request with the token of one of the ``called`` companies, a fifth of
    them making four fifths of the calls (more companies than the workers'
    bound of CACHE_ENTRIES: hits, and misses answered from the database).
    Reports each run's req/s, p99 and server CPU per request, each worker's
    peak RSS, and each worker's ``state.stats()`` when it exits.
    """
    from bench import load, report
    from bench.run import STATS_HOOK, run_rounds
    from bench.server import Server

    seeded = json.loads(tokens_file.read_text())
    headers_file = work_dir / f"headers-{size}.txt"
    headers_file.touch(mode=0o600)
    headers_file.write_text("".join(f"Bearer {token}\n" for token in seeded["called"]))
    endpoints = [
        load.Endpoint(
            "one",
            "one company's token",
            "/api/v1/company",
            frozenset({200}),
            authorization=f"Bearer {seeded['measured']}",
        ),
        load.Endpoint(
            "many",
            f"{CALLED:,} companies' tokens, skewed",
            "/api/v1/company",
            frozenset({200}),
            tokens_file=str(headers_file),
        ),
    ]
    server = Server(
        env={
            **env,
            "ATOM_SECURITY_CACHE_ENTRIES": str(CACHE_ENTRIES),
            "GUNICORN_CMD_ARGS": f"--config {STATS_HOOK}",
        },
        log_path=work_dir / f"server-{size}.log",
        workers=args.workers,
    ).start()
    try:
        measures = run_rounds({"atom": server}, endpoints, args)
        memory = server.peak_memory_mib()
    finally:
        server.stop()

    def summary(name: str) -> dict:
        mine = [m for m in measures if m.endpoint == name]
        statuses: dict[str, int] = {}
        for m in mine:
            for status, count in m.statuses.items():
                statuses[str(status)] = statuses.get(str(status), 0) + count
        return {
            "rate": statistics.median(m.rate for m in mine),
            "p99_ms": statistics.median(m.p99_ms for m in mine),
            "cpu_us": statistics.median(m.server_cpu_us for m in mine),
            "statuses": statuses,
            "failed": sum(m.socket_errors + m.unexpected for m in mine),
        }

    return {
        "one": summary("one"),
        "many": summary("many"),
        "peak_mib": sorted(memory.values()),
        "workers": report.state_cache_stats(server.log_path.read_text(errors="replace")),
    }


def _child(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(Path(__file__)), *argv]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(argv[:1])} failed:\n{done.stderr[-4000:]}")
    return done


def render(results: list[dict], version: str = "") -> str:
    lines = [
        f"{version or 'PostgreSQL'}; "
        f"ATOM_SECURITY_CACHE_ENTRIES = {CACHE_ENTRIES:,}; one process, wall clock.",
        "",
        "| companies | seed (s) | `gate.check` warm, µs (median) | cold, µs (median) "
        "| statements per cold call | cold lookups alone, µs (median) | peak RSS after "
        f"{CALLED:,} companies | entries held | hit rate |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        stats = r["stats"]
        lines.append(
            f"| {r['companies']:,} | {r['seed_seconds']:.0f} | {r['warm_us']:.1f} "
            f"| {r['cold_us']:.0f} | {r['cold_queries']} | {r['lookup_us']:.0f} "
            f"| {r['peak_mib']:.0f} MiB (before the calls: {r['start_mib']:.0f} MiB) "
            f"| {stats['entries']:,} ({stats['companies']:,} companies, "
            f"{stats['tokens']:,} tokens, {stats['headers']:,} headers) "
            f"| {stats['hit_rate']:.1%} |"
        )
    loaded = [r for r in results if "load" in r]
    if loaded:
        lines += [
            "",
            "Under load: `atom serve` with 2 sync workers on the same database, each "
            f"worker bounded to {CACHE_ENTRIES:,} entries per table; `wrk -t2 -c32`, "
            "interleaved rounds, medians.",
            "",
            "| companies | one token: req/s | p99 ms | server CPU µs/req "
            f"| {CALLED:,} companies' tokens, skewed: req/s | p99 ms | server CPU µs/req "
            "| answers | peak RSS per worker | entries held per worker | hit rate per worker |",
            "|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|",
        ]
        for r in loaded:
            one, many = r["load"]["one"], r["load"]["many"]
            answers = {**one["statuses"]}
            for status, count in many["statuses"].items():
                answers[status] = answers.get(status, 0) + count
            workers = r["load"]["workers"]
            held = ", ".join(f"{w['entries']:,}" for w in workers)
            rates = ", ".join(f"{w['hit_rate']:.1%}" for w in workers)
            lines.append(
                f"| {r['companies']:,} | {one['rate']:,.0f} | {one['p99_ms']:.2f} "
                f"| {one['cpu_us']:.0f} | {many['rate']:,.0f} | {many['p99_ms']:.2f} "
                f"| {many['cpu_us']:.0f} "
                f"| {', '.join(f'{s}: {n:,}' for s, n in sorted(answers.items()))}"
                f"{'' if not (one['failed'] or many['failed']) else ' (FAILED)'} "
                f"| {', '.join(f'{m:.0f} MiB' for m in r['load']['peak_mib'])} "
                f"| {held} | {rates} |"
            )
    return "\n".join(lines) + "\n"


def seed_child(companies: int, tokens_file: Path) -> None:
    """In a child process with the bench database's environment: migrate and seed."""
    from bench.run import setup_django

    setup_django(dict(os.environ))
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    seeded = seed_fast(companies, CALLED)
    tokens_file.write_text(json.dumps(seeded))


def seed_fast(companies: int, called: int) -> dict:
    """The special companies, ``called`` with real tokens, the rest in bulk SQL."""
    from django.db import connection, transaction

    from atom.companies.models import Company
    from atom.security import keyring
    from atom.security.models import ApiToken, SecurityPolicy
    from bench.seed import create_tokens, seed

    special = seed(3, 1_000)
    if companies < 3 + called:
        raise SystemExit(f"bench: --million needs at least {3 + called:,} companies.")
    vault = keyring.vault()
    with transaction.atomic():
        slugs = [f"called-{n:06d}" for n in range(called)]
        Company.objects.bulk_create(
            (Company(name=s.title(), slug=s) for s in slugs), batch_size=5_000
        )
        ids = dict(Company.objects.filter(slug__in=slugs).values_list("slug", "id"))
        SecurityPolicy.objects.bulk_create(
            (SecurityPolicy(company_id=ids[s]) for s in slugs), batch_size=5_000
        )
        clear = list(create_tokens(ids, slugs, vault).values())
        template_id = ids[slugs[0]]
        bulk = companies - 3 - called
        with connection.cursor() as cursor:
            _bulk_copy(cursor, Company, "id", template_id, bulk)
            _bulk_copy(cursor, SecurityPolicy, "company_id", template_id, bulk)
            _bulk_copy(cursor, ApiToken, "company_id", template_id, bulk)
    with connection.cursor() as cursor:
        for model in (Company, SecurityPolicy, ApiToken):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return {"measured": special.measured_token, "called": clear}


def _bulk_copy(cursor, model, key: str, template_id: int, count: int) -> None:
    """Rows like the template company's, one per bulk company, in one statement."""
    from atom.companies.models import Company

    table = model._meta.db_table
    company_table = Company._meta.db_table
    columns = [
        f.column
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.column == "id") and f.column != "company_id"
    ]
    if model is Company:
        values = {
            "name": "'Bulk ' || g",
            "slug": f"'{BULK_PREFIX}' || g",
        }
        select = ", ".join(values.get(c, f't."{c}"') for c in columns)
        cursor.execute(
            f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '  # noqa: S608 - names, not data
            f'SELECT {select} FROM "{table}" t CROSS JOIN generate_series(1, %s) g '
            "WHERE t.id = %s",
            [count, template_id],
        )
        return
    # A unique, well-formed digest and ciphertext per bulk token: never called.
    values = {
        "digest": "encode(sha256(convert_to('bulk-token-' || c.id, 'UTF8')), 'hex')",
        "ciphertext": "'gAAAAA' || encode(sha256(convert_to('bulk-ct-' || c.id, 'UTF8')), 'hex')",
    }
    all_columns = ["company_id", *columns]
    select = ", ".join(["c.id", *(values.get(c, f't."{c}"') for c in columns)])
    cursor.execute(
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in all_columns)}) '  # noqa: S608 - names, not data
        f'SELECT {select} FROM "{company_table}" c CROSS JOIN "{table}" t '
        f"WHERE c.slug LIKE %s AND t.{key} = %s",
        [f"{BULK_PREFIX}%", template_id],
    )


def vm_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_child(tokens_file: Path) -> None:
    """In a fresh process: time the gate warm and cold, then call every company."""
    from bench.run import setup_django

    setup_django(dict(os.environ))
    from ipaddress import ip_address

    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from atom.security.runtime import gate
    from atom.security.runtime.state import state

    seeded = json.loads(tokens_file.read_text())
    called: list[str] = seeded["called"]
    factory = RequestFactory()

    def request(token: str):
        r = factory.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {token}")
        r.client_ip = ip_address("127.0.0.1")
        return r

    good = request(seeded["measured"])
    gate.check(good)
    connection.ensure_connection()
    start_mib = vm_mib("VmRSS")

    warm = []
    for _ in range(20_000):
        t = time.perf_counter()
        gate.check(good)
        warm.append(time.perf_counter() - t)

    with CaptureQueriesContext(connection) as queries:
        gate.check(request(called[0]))
    cold_queries = len(queries.captured_queries)
    cold = []
    for token in called[1 : 1 + COLD_CALLS]:
        r = request(token)
        t = time.perf_counter()
        gate.check(r)
        cold.append(time.perf_counter() - t)
    # The lookups alone (token by digest, then its company: one indexed
    # query, then two for the company), without the gate's first-use writes.
    from atom.security.core import tokens

    lookups = []
    for token in called[1 + COLD_CALLS : 1 + 2 * COLD_CALLS]:
        digest = tokens.digest(token)
        t = time.perf_counter()
        found = state.token(digest)
        assert found is not None
        state.company(found.company_id)
        lookups.append(time.perf_counter() - t)
    for token in called[1 + COLD_CALLS :]:
        gate.check(request(token))
    # The last companies called again: still held, so hits (the header's).
    again = called[-CACHE_ENTRIES // 2 :]
    for token in again:
        gate.check(request(token))
    print(
        json.dumps(
            {
                "warm_us": statistics.median(warm) * 1e6,
                "cold_us": statistics.median(cold) * 1e6,
                "cold_queries": cold_queries,
                "lookup_us": statistics.median(lookups) * 1e6,
                "start_mib": start_mib,
                "peak_mib": vm_mib("VmHWM"),
                "called": len(called) + len(again),
                "cold_statements": [q["sql"][:70] for q in queries.captured_queries],
                "stats": state.stats(),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed_child(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1] == "measure":
        measure_child(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: run through python bench/run.py --million")
