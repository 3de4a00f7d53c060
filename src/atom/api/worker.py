"""The gunicorn worker ``atom serve`` runs: gunicorn's sync worker, with group commit.

Everything but a parked write (atom.api.group_commit) is served exactly as
gunicorn's SyncWorker serves it: one request at a time, in the worker's
only thread, so the security state needs no locks. A view that answers
``Parked`` leaves its connection open here, unanswered; the worker goes on
with the next connection already waiting, and commits the parked rows
together (``flush``) as soon as:

* no other connection is waiting (before the worker would block in
  ``wait``), so a lone request is stored at once, without a delay;
* ATOM_GROUP_COMMIT_MAX requests are parked; or
* the first parked request has waited ATOM_GROUP_COMMIT_WAIT_MS, so a
  steady stream of other calls cannot hold a write back.

Each parked request is then answered, after the COMMIT, as the sync worker
would have answered it (access log, post_request hook, graceful close). A
worker told to stop commits and answers what it holds before it exits.
"""

from __future__ import annotations

import errno
import ssl
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import db
from django.conf import settings
from gunicorn import http, sock, util  # type: ignore[import-untyped]
from gunicorn.http import wsgi  # type: ignore[import-untyped]
from gunicorn.workers.sync import SyncWorker  # type: ignore[import-untyped]


@dataclass(eq=False, slots=True)
class _Waiting:
    """A parked request: what answering it needs, after the group's COMMIT."""

    req: Any
    client: Any
    environ: dict[str, Any]
    parked: Any  # atom.api.group_commit.Parked
    started: datetime
    since: float


class GroupCommitWorker(SyncWorker):  # type: ignore[misc]
    def run(self) -> None:
        # Here, not at the top: these need Django's apps, which gunicorn
        # loads only after importing this worker class.
        from atom.api import group_commit, idempotency

        self.environ_key = group_commit.ENVIRON_KEY
        self.parked_class = group_commit.Parked
        self.store = idempotency.store
        self.waiting: list[_Waiting] = []
        self.group_max = settings.ATOM_GROUP_COMMIT_MAX
        self.group_wait = settings.ATOM_GROUP_COMMIT_WAIT_MS / 1000
        try:
            super().run()
        finally:
            self.flush()

    def wait(self, timeout: float) -> Any:
        # Nothing else is waiting to be accepted: commit the group now,
        # rather than hold its requests while the worker sleeps.
        self.flush()
        return super().wait(timeout)

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        # SyncWorker.handle, except that a parked request's connection
        # stays open for ``flush`` to answer.
        req = None
        parked = False
        try:
            if self.cfg.is_ssl:
                client = sock.ssl_wrap_socket(client, self.cfg)
            parser = http.get_parser(self.cfg, client, addr)
            req = next(parser)
            parked = self.handle_request(listener, req, client, addr)
        except http.errors.NoMoreData as e:
            self.log.debug("Ignored premature client disconnection. %s", e)
        except StopIteration as e:
            self.log.debug("Closing connection. %s", e)
        except ssl.SSLError as e:
            if e.args[0] == ssl.SSL_ERROR_EOF:
                self.log.debug("ssl connection closed")
                client.close()
            else:
                self.log.debug("Error processing SSL request.")
                self.handle_error(req, client, addr, e)
        except OSError as e:
            if e.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
            else:
                self.log.debug("Ignoring socket error: %s", e)
        except BaseException as e:
            self.handle_error(req, client, addr, e)
        finally:
            if not parked:
                util.close_graceful(client)
        if parked and (
            len(self.waiting) >= self.group_max
            or time.monotonic() - self.waiting[0].since >= self.group_wait
        ):
            self.flush()

    def handle_request(self, listener: Any, req: Any, client: Any, addr: Any) -> bool:
        """SyncWorker.handle_request, offering to park; True if the request was parked."""
        environ: dict[str, Any] = {}
        resp = None
        parked = False
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(req, client, addr, listener.getsockname(), self.cfg)
            # As the sync worker: no keep-alive behind a buffering proxy.
            resp.force_close()
            self.nr += 1
            if self.nr >= self.max_requests:
                self.log.info("Autorestarting worker after current request.")
                self.alive = False
            environ[self.environ_key] = True
            respiter = self.wsgi(environ, resp.start_response)
            if isinstance(respiter, self.parked_class):
                # Its status and headers were only recorded, never sent.
                self.waiting.append(
                    _Waiting(req, client, environ, respiter, request_start, time.monotonic())
                )
                parked = True
                return True
            try:
                if isinstance(respiter, environ["wsgi.file_wrapper"]):
                    resp.write_file(respiter)
                else:
                    for item in respiter:
                        resp.write(item)
                resp.close()
            finally:
                self.log.access(resp, req, environ, datetime.now() - request_start)
                if hasattr(respiter, "close"):
                    respiter.close()
        except OSError:
            util.reraise(*sys.exc_info())
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                self.log.exception("Error handling request")
                util.close_graceful(client)
                raise StopIteration() from None
            raise
        finally:
            if not parked:
                self._post_request(req, environ, resp)
        return False

    def flush(self) -> None:
        """Commit every parked request's row in one transaction, then answer each."""
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return
        # Between requests, as Django does at each one's start and end: a
        # connection past its age or broken by an error is replaced.
        db.close_old_connections()
        self.store([each.parked.intake for each in waiting])
        # Every answer is sent before any connection is closed: closing
        # waits for the client to close its side, and by then the others
        # have their answers (and have closed) instead of waiting in turn.
        for each in waiting:
            self._answer(each)
        for each in waiting:
            util.close_graceful(each.client)

    def _answer(self, each: _Waiting) -> None:
        resp = None
        try:
            final = each.parked.settle()
            resp = wsgi.Response(each.req, each.client, self.cfg)
            resp.force_close()
            resp.start_response(
                f"{final.status_code} {final.reason_phrase}", list(final.items())
            )
            resp.write(final.content)
            resp.close()
        except OSError as e:
            # The client left; its row is stored all the same, and a retry
            # with its Idempotency-Key gets it.
            self.log.debug("Ignoring socket error while answering a parked request: %s", e)
        except Exception:
            self.log.exception("Error answering a parked request")
        finally:
            if resp is not None:
                self.log.access(resp, each.req, each.environ, datetime.now() - each.started)
            each.parked.close()  # Django's request_finished, as for any answer
            self._post_request(each.req, each.environ, resp)

    def _post_request(self, req: Any, environ: dict[str, Any], resp: Any) -> None:
        try:
            self.cfg.post_request(self, req, environ, resp)
        except Exception:
            self.log.exception("Exception in post_request hook")
