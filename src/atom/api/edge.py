"""The WSGI application of ``atom serve``: refusals answered at the edge.

A refusal is the attacker's to multiply, so it must cost less than the
cheapest call Atom serves (the public ping). Through Django's own handler
it could not: the ``request_started`` and ``request_finished`` signals
(reset the query log, close old database connections and caches, reset
the URLconf) alone cost more than the gate, and every request pays them,
ping included. So ``AtomHandler`` is Django's WSGIHandler, plus one step
before Django's handling: a request under ``GATED_PREFIXES`` (not public)
meets the gate there, with the same code as in the API's short path
(atom.api.short_path):

    the client address ─► the Host check ─► the gate ─► a refusal's answer
                                                    └─► Django's handling

* Refused: the answer is the gate's (``refusal``), finished with the headers
  of every API answer (``answer_headers``), and goes straight to the
  server; Django's handling never starts. The one piece of its hygiene a
  refusal needs is kept: database connections are closed if unusable or
  too old (``close_old_connections``), as after any request, since the
  gate may have used one (a company this process did not hold, the audit
  of a refused address).
* Admitted: the request, marked with its access (``admit``), goes on
  through Django's handling as before; the client address and the gate are
  not checked a second time.
* Anything the edge does not decide goes on as before, and Django answers
  it exactly as it did: an unknown Host (400), plain HTTP under HTTPS
  (``https_required``), and an exception in the gate (the database down on
  a miss), which the gate meets again there and Django's handlers answer.

A test client or another WSGI server that calls Django's handler directly
still gets every check, from the middleware (``gate_middleware``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIHandler, get_script_name
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.urls import set_script_prefix

from atom.api.auth import refusal
from atom.api.paths import GATED_PREFIXES, PUBLIC_PATHS
from atom.api.short_path import answer_headers
from atom.security.runtime.middleware import note_client

StartResponse = Callable[..., Any]


class AtomHandler(WSGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._finish = answer_headers()
        self._https_only = settings.SECURE_SSL_REDIRECT

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = self.request_class(environ)
        refused = self.refused(request)
        if refused is not None:
            close_old_connections()
            start_response(
                f"{refused.status_code} {refused.reason_phrase}", list(refused.items())
            )
            return [refused.content]
        # WSGIHandler.__call__ from here on, with the request already built.
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        response = self.get_response(request)
        response._handler_class = self.__class__
        status = f"{response.status_code} {response.reason_phrase}"
        response_headers = [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ]
        start_response(status, response_headers)
        if getattr(response, "file_to_stream", None) is not None and environ.get(
            "wsgi.file_wrapper"
        ):
            # As Django: the server closes the file wrapper, not the response.
            response.file_to_stream.close = response.close
            return environ["wsgi.file_wrapper"](response.file_to_stream, response.block_size)
        return response

    def refused(self, request: HttpRequest) -> HttpResponse | None:
        """The answer to a refusal decided here, or None to go on through Django."""
        path = request.path_info
        if not path.startswith(GATED_PREFIXES) or path in PUBLIC_PATHS:
            return None
        note_client(request)
        try:
            request.get_host()
        except DisallowedHost:
            return None  # Django answers it, and logs it, as for any request
        secure = request.is_secure()
        if self._https_only and not secure:
            return None  # api_headers answers https_required
        try:
            response = refusal(request)
        except Exception:
            # Not a refusal: Django's handling meets it again and answers it
            # as it always has (a database outage is a JSON 503).
            return None
        if response is None:
            return None
        return self._finish(response, secure)
