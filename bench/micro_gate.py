"""Micro-benchmark of the request gate and of whole requests, in one process.

Run with ``python bench/micro_gate.py``: it seeds a temporary SQLite database
(1,000 companies; the measured one with a 1,000-entry allowlist), then
prints a markdown table of microseconds per call, best of three runs:

* ``gate.check`` alone, for each way a request can go (what every API call
  and webhook pays for the token, the allowlist and the counters);
* whole requests through the WSGI application ``atom serve`` runs
  (atom.api.edge: Django's handler, with refusals answered before it; then
  the middleware, URL routing, ninja, the view), without a network or a
  server: what the endpoint costs Django, next to what gunicorn and the
  kernel add in the load benchmark. The two refusals are timed through
  Django's own handler too, as a test client or another server meets them.

``--quick`` times each case briefly, to check that the script still runs.
Counters are this process's memory: the gate makes no round trip at all.
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable
from ipaddress import ip_address
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database as bench_database  # noqa: E402
from bench import timing  # noqa: E402
from bench.run import server_environment, setup_django  # noqa: E402
from bench.timing import QUICK, print_table  # noqa: E402

# Whole requests through Django are slow: fewer calls in quick mode.
microseconds = functools.partial(timing.microseconds, quick_calls=200)


def main() -> None:
    timing.in_scratch_dir(measure, "atom-micro-gate-")


def measure(work_dir: Path) -> None:
    env = server_environment(bench_database.choose(None, work_dir, ""), work_dir)
    env.pop("REDIS_URL", None)
    setup_django(env)

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test import RequestFactory, override_settings

    from atom.api.errors import ApiError
    from atom.security.core import tokens
    from atom.security.runtime import gate
    from atom.security.runtime.state import state
    from bench.seed import seed

    call_command("migrate", interactive=False, verbosity=0)
    seeded = seed(100 if QUICK else 1_000, 1_000)
    factory = RequestFactory()

    def api_request(token: str, address: str = "127.0.0.1"):
        request = factory.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {token}")
        request.client_ip = ip_address(address)
        return request

    def refused(request) -> Callable[[], None]:
        def call() -> None:
            try:
                gate.check(request)
            except ApiError:
                pass
            else:
                raise AssertionError("the benchmark request should be refused")

        return call

    good = api_request(seeded.measured_token)
    disallowed = api_request(seeded.refused_token)
    # Failures are counted per address: these must not throttle the others.
    unknown = api_request(tokens.generate(), "127.0.0.5")
    garbage = api_request("atom_not-a-token", "127.0.0.5")
    throttled = api_request(tokens.generate(), "127.0.0.9")
    gate.check(good)

    def first_sight() -> None:
        # Forget only the verified headers (not the tokens and allowlists
        # loaded from the database): parse, digest and a dict lookup.
        state._verified.clear()
        gate.check(good)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("`gate.check`, valid token, header seen before (the hot path)", lambda: gate.check(good)),
        ("`gate.check`, valid token, header not seen before", first_sight),
        ("`gate.check`, good token, disallowed address (403)", refused(disallowed)),
    ]
    # The 401 answers are timed with the failure throttle out of the way:
    # from one address, all but 30 a minute would be the 429 below.
    cases_401 = [
        ("`gate.check`, unknown token, right checksum (401)", refused(unknown)),
        ("`gate.check`, malformed token (401)", refused(garbage)),
    ]
    rows = [(label, microseconds(call)) for label, call in cases]
    with override_settings(ATOM_TOKEN_FAILURE_LIMIT=10**12):
        rows += [(label, microseconds(call)) for label, call in cases_401]
    for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT):
        refused(throttled)()
    rows.append(
        (
            "`gate.check`, the same bad token over its limit from one address (429)",
            microseconds(refused(throttled)),
        )
    )
    # Guessing: as many different tokens as the limit from one address; then
    # any header not verified before is refused before it is parsed.
    for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT):
        refused(api_request(tokens.generate(), "127.0.0.10"))()
    guessed = api_request(tokens.generate(), "127.0.0.10")
    rows.append(
        (
            "`gate.check`, address over its limit of different bad tokens (429, before parsing)",
            microseconds(refused(guessed)),
        )
    )

    from atom.api.edge import AtomHandler

    atom_handler = AtomHandler()
    django_handler = WSGIHandler()

    def through_django(
        path: str, expected: str, authorization: str | None = None, handler=atom_handler
    ) -> Callable[[], None]:
        answered: list[str] = []

        def call() -> None:
            environ = factory._base_environ(
                PATH_INFO=path, REQUEST_METHOD="GET", HTTP_HOST="127.0.0.1:8000"
            )
            environ["wsgi.input"] = io.BytesIO(b"")
            if authorization:
                environ["HTTP_AUTHORIZATION"] = authorization
            response = handler(
                environ, lambda status, headers, exc_info=None: answered.append(status)
            )
            b"".join(response)
            # A refusal answered at the edge is a plain list.
            close = getattr(response, "close", None)
            if close is not None:
                close()

        call()
        if not answered[0].startswith(expected):
            raise AssertionError(f"{path} answered {answered[0]}, not {expected}")
        return call

    requests = [
        ("Django request: `GET /healthz` (plain view)", through_django("/healthz", "200")),
        ("Django request: `GET /api/v1/ping`", through_django("/api/v1/ping", "200")),
        (
            "Django request: `GET /api/v1/company` with the token",
            through_django("/api/v1/company", "200", f"Bearer {seeded.measured_token}"),
        ),
        (
            # What the edge adds to a call it admits: its path test and the marking.
            "Django request, Django's own handler (no edge): the same company call",
            through_django(
                "/api/v1/company", "200", f"Bearer {seeded.measured_token}", django_handler
            ),
        ),
        (
            "Django request: good token, disallowed address (403)",
            through_django("/api/v1/company", "403", f"Bearer {seeded.refused_token}"),
        ),
        (
            "Django request, Django's own handler (no edge): the same 403",
            through_django(
                "/api/v1/company", "403", f"Bearer {seeded.refused_token}", django_handler
            ),
        ),
    ]
    # Last: they throttle 127.0.0.1. The same bad token, past its 30 a minute.
    bad = f"Bearer {tokens.generate()}"
    bad_token = through_django("/api/v1/company", "401", bad)
    for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT):
        bad_token()
    requests.append(("Django request: the same bad token over its limit (429)", bad_token))
    requests.append(
        (
            "Django request, Django's own handler (no edge): the same 429",
            through_django("/api/v1/company", "429", bad, django_handler),
        )
    )
    rows += [(label, microseconds(call)) for label, call in requests]

    print_table(rows, digits=1, python=False)


if __name__ == "__main__":
    main()
