"""The plain Django view of bench/baseline, through Django's WSGI handler, in one process.

Run with ``python bench/micro_baseline.py``: the yardstick for the
``Django request`` rows of bench/micro_gate.py (same way of timing, same
answer), in a process of its own since one process holds one Django
project. ``--quick`` times briefly, to check that the script still runs.
"""

from __future__ import annotations

import functools
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import timing  # noqa: E402
from bench.timing import print_table  # noqa: E402

microseconds = functools.partial(timing.microseconds, quick_calls=200)


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.baseline.settings"
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    handler = WSGIHandler()
    factory = RequestFactory()
    answered: list[str] = []

    def call() -> None:
        environ = factory._base_environ(
            PATH_INFO="/api/v1/company", REQUEST_METHOD="GET", HTTP_HOST="127.0.0.1:8000"
        )
        environ["wsgi.input"] = io.BytesIO(b"")
        response = handler(environ, lambda status, headers, exc_info=None: answered.append(status))
        b"".join(response)
        response.close()

    call()
    if not answered[0].startswith("200"):
        raise AssertionError(f"the baseline answered {answered[0]}")
    print_table(
        [
            (
                "Django request: the same JSON from a plain Django view, default middleware "
                "(bench/baseline)",
                microseconds(call),
            )
        ],
        digits=1,
        python=False,
    )


if __name__ == "__main__":
    main()
