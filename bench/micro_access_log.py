"""The access log line of one request: gunicorn's logger against Atom's.

Run with ``python bench/micro_access_log.py``: both write the same line
(`atom serve`'s format) for a ping, gunicorn's through ``logging`` to a
stream, Atom's (atom.security.runtime.access_log) in one ``os.write``;
standard output goes to /dev/null while timing. ``--quick`` times briefly.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.timing import microseconds, print_table  # noqa: E402

FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'


def main() -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from atom.security.runtime.access_log import AccessLog

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", FORMAT)
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/ping",
        "PATH_INFO": "/api/v1/ping",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "wrk",
        "HTTP_HOST": "127.0.0.1:8000",
    }
    response = SimpleNamespace(status="200 OK", sent=16, headers=[])
    request = SimpleNamespace(headers=[("HOST", "127.0.0.1:8000"), ("USER-AGENT", "wrk")])
    took = datetime.timedelta(microseconds=812)
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        rows = []
        for label, cls in (
            ("gunicorn's access log (`glogging.Logger`), one line", Logger),
            ("Atom's access log (`atom.security.runtime.access_log`), one line", AccessLog),
        ):
            logger = cls(config)
            rows.append(
                (label, microseconds(lambda lg=logger: lg.access(response, request, environ, took)))
            )
    finally:
        os.dup2(saved, 1)
    print_table(rows, digits=1, python=False)


if __name__ == "__main__":
    main()
