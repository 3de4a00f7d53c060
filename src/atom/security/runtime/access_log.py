"""The access log of `atom serve`: one line per request, one write, no secret.

gunicorn's own access log builds a dictionary of some twenty fields and every
request header for each request, formats the line with ``%`` and sends it
through ``logging`` (a record, a lock, a formatter): about 15% of a ping's
worker CPU (docs/benchmarks.md). This logger writes the same line, in the
same format as before (``%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s
%(b)s %(L)s "%(a)s"``), straight to standard output, with the timestamp
formatted once per second.

What never reaches it: the query string and the Referer (a client may put a
token in a URL), request headers (Authorization, Cookie), and the token of
a password-reset link, which Django carries in the path
(``/password-reset/<uid>/<token>/``): the path is logged with the token
replaced by ``[redacted]``. Control characters and quotes a client put in
the path (percent-encoded) or the User-Agent are escaped, so a line cannot
be forged.
"""

from __future__ import annotations

import os
import time
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# Paths whose segment after the prefix and one more is a secret:
# /password-reset/<uidb64>/<token>/. Django's confirm view then moves the
# token into the session and redirects to .../set-password/, which may stay.
SECRET_PATHS = ("/password-reset/",)
KEPT_SEGMENTS = frozenset({"set-password", "sent", "done", ""})
USER_AGENT_LENGTH = 300


def redact(path: str) -> str:
    """``path`` with the secret segment of a reset link replaced."""
    if not path.startswith(SECRET_PATHS):
        return path
    parts = path.split("/")
    # ["", "password-reset", uid, token, ...]
    if len(parts) > 3 and parts[3] not in KEPT_SEGMENTS:
        parts[3] = "[redacted]"
    return "/".join(parts)


def printable(text: str) -> str:
    """``text`` safe inside a quoted field of one log line."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return text.encode("unicode_escape").decode("ascii").replace('"', '\\"')


class AccessLog(Logger):  # type: ignore[misc]
    """gunicorn's logger (error log, reopening, syslog) with a lean access line."""

    _second = -1
    _stamp = ""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        if self.cfg.accesslog != "-":
            # A file or syslog: gunicorn's handlers know where to write.
            super().access(resp, req, environ, request_time)
            return
        now = int(time.time())
        if now != self._second:
            self._stamp = time.strftime("[%d/%b/%Y:%H:%M:%S %z]")
            self._second = now
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        path = printable(redact(environ.get("PATH_INFO") or "-"))
        agent = printable(environ.get("HTTP_USER_AGENT", "-")[:USER_AGENT_LENGTH])
        line = (
            f"{environ.get('REMOTE_ADDR', '-')} - - {self._stamp} "
            f'"{environ.get("REQUEST_METHOD")} {path} {environ.get("SERVER_PROTOCOL")}" '
            f"{status} {'-' if sent is None else sent} "
            f'{request_time.seconds}.{request_time.microseconds:06d} "{agent}"\n'
        )
        data = memoryview(line.encode())
        while data:
            data = data[os.write(1, data) :]
