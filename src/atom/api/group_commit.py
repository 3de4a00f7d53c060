"""Group commit: the durable writes of several requests in one transaction.

A flow webhook or a template send answers 202 only once its row is
committed, and on SQLite with ``synchronous=FULL`` (or PostgreSQL) every
COMMIT waits for the disk: one request at a time, the disk set the pace
(docs/benchmarks.md). ``atom serve`` runs gunicorn with
atom.api.worker.GroupCommitWorker, a sync worker that does not wait:

1. the view checks the request as always (the gate, the body, the flow)
   and, instead of storing its row, answers with ``Parked``, a placeholder
   that carries the row (an atom.api.idempotency.Intake);
2. the worker keeps the placeholder and its connection aside, unanswered,
   and reads the next request that is already waiting;
3. when none is waiting (or the group is full, or its first request has
   waited long enough), it stores every parked row and key in one
   transaction (idempotency.store) and then answers each request, 202 for
   a row stored now, 200 for a replay, the API's error otherwise.

So nothing is answered before its COMMIT, and a worker that dies before it
loses only requests it never answered. Without the worker (Django's test
client, another WSGI server) ``answer`` stores the row at once, as a group
of one: the same code, the same answers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import HttpRequest, HttpResponse

from atom.api import idempotency

# The WSGI environ key by which atom.api.worker tells a view that it parks.
ENVIRON_KEY = "atom.group_commit"

Answer = Callable[[models.Model, bool], HttpResponse]
ErrorHandler = Callable[[HttpRequest, Exception], HttpResponse]

# The API's exception handlers (ninja's api.on_exception), given by
# atom.api.api once it has made them: a settled error is answered as any
# other API error. This module cannot import them: the API imports the views
# that import this module.
_on_exception: list[ErrorHandler] = []


def answer_errors_with(handler: ErrorHandler) -> None:
    _on_exception[:] = [handler]


class Parked(HttpResponse):
    """The placeholder a view answers with while its row waits for the group's COMMIT.

    It goes back through the middleware like any answer, which gives it the
    API's headers; ``settle`` then builds the real answer and keeps those.
    It is never sent as it is.
    """

    def __init__(self, request: HttpRequest, intake: idempotency.Intake, answer: Answer) -> None:
        super().__init__(status=202)
        self.request = request
        self.intake = intake
        self._answer = answer

    def settle(self) -> HttpResponse:
        """The answer to send, once ``idempotency.store`` has stored (or refused) the intake."""
        try:
            final = self._answer(*self.intake.outcome())
        except Exception as exc:  # answered by the API's handlers, as ninja does
            final = _on_exception[0](self.request, exc)
        store = final.headers._store
        for lower, pair in self.headers._store.items():
            # The headers the middleware gave the placeholder; the real
            # answer's own (its type, Location) win, and its length is its own.
            if lower not in store and lower != "content-length":
                store[lower] = pair
        final.headers["Content-Length"] = str(len(final.content))
        return final


def answer(request: HttpRequest, intake: idempotency.Intake, respond: Answer) -> HttpResponse:
    """The answer of a write: parked for the worker's group, or stored now.

    ``respond(row, created)`` builds the answer once the row is stored (or
    found, for a replay); an error is answered by the API's handlers.
    """
    if request.META.get(ENVIRON_KEY):
        return Parked(request, intake, respond)
    idempotency.store([intake])
    return respond(*intake.outcome())
