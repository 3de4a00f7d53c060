import ipaddress
import os
import secrets
import sys
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from atom.companies.models import Company
from atom.companies.services import create_company
from atom.ids import parse_id

# Any number, the same on every host: PostgreSQL's advisory lock key.
STARTUP_LOCK = 0x41544F4D  # "ATOM"

DEMO_NAME = "Demo Company"
DEMO_OWNER = "owner@demo.example"


@contextmanager
def startup_lock():
    """Hosts starting together on one PostgreSQL migrate (and seed) one at a time.

    Without it, two hosts may both apply a migration or both create the demo
    company. SQLite needs nothing: it serves one host, and its writes are
    serialized by the database file itself.
    """
    connection = connections["default"]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [STARTUP_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [STARTUP_LOCK])


def local_demo(host: str) -> bool:
    """Whether ``host`` is a loopback address: only this machine can reach the server."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Command(BaseCommand):
    help = (
        "Apply migrations, create the demo company on an empty database (printing its owner's "
        "password once), then serve Atom with gunicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
        parser.add_argument("--no-demo", action="store_true", help="do not create the demo company")

    def handle(self, *args, host, port, workers, no_demo, **options):
        number = parse_id(str(port))
        if number is None or number > 65535:
            raise CommandError(f"PORT must be a number from 1 to 65535, got {port!r}.")
        if not 1 <= workers <= 64:
            raise CommandError("WORKERS must be from 1 to 64.")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        with startup_lock():
            call_command("migrate", interactive=False, verbosity=0)
            if not no_demo and not Company.objects.exists():
                self.create_demo()
        connections.close_all()
        if local_demo(host) and "ATOM_ALLOW_PRIVATE_ADDRESSES" not in os.environ:
            # On a loopback address every visitor is this machine (127.0.0.1),
            # which the strict default could never put on the Allowed IP
            # Addresses: the local demo would have no list it can save. A
            # deployment (0.0.0.0, a public address) keeps the default.
            os.environ["ATOM_ALLOW_PRIVATE_ADDRESSES"] = "1"
            self.stdout.write(
                "Serving on a loopback address (a local demo): the Allowed IP Addresses may "
                "hold private and loopback addresses (ATOM_ALLOW_PRIVATE_ADDRESSES=1). A "
                "deployment on 0.0.0.0 or a public address keeps them refused."
            )
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"Atom is starting at http://{shown_host}:{port}/ (log in, then Settings > My Company > Settings)."
        )
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "atom.wsgi:application",
            "--bind",
            f"{shown_host}:{port}",
            "--workers",
            str(workers),
            # gunicorn's sync worker, storing the webhook calls and template
            # sends that arrive together in one transaction (group commit).
            "--worker-class",
            "atom.api.worker.GroupCommitWorker",
            "--access-logfile",
            "-",
            # gunicorn's default format logs the request line with its query
            # string, and the Referer: a client that puts a token in a URL
            # (?token=atom_...) must not have it written to the log. The
            # path alone is enough, with the time taken (%(L)s, seconds).
            "--access-logformat",
            '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"',
            # The same line, written in one call per request, with the token
            # of a password-reset link redacted from the path.
            "--logger-class",
            "atom.security.runtime.access_log.AccessLog",
            # gunicorn believes X-Forwarded-Proto (and its other forwarding
            # headers) from 127.0.0.1 by default; Atom believes them only
            # from ATOM_TRUSTED_PROXIES (atom.security.runtime.middleware
            # .client_address), so gunicorn believes nobody.
            "--forwarded-allow-ips",
            "",
            "--graceful-timeout",
            "10",
            # Several instances may run on one machine (tests, a second
            # host's process): no shared control socket in $HOME.
            "--no-control-socket",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments

    def create_demo(self) -> None:
        password = secrets.token_urlsafe(18)
        create_company(DEMO_NAME, DEMO_OWNER, password)
        # The only time this password is shown: it is not stored anywhere
        # in clear, and a second run on the same database prints nothing.
        self.stdout.write("")
        self.stdout.write("Created the demo company. Log in with:")
        self.stdout.write(f"    email:    {DEMO_OWNER}")
        self.stdout.write(f"    password: {password}")
        self.stdout.write("This password is shown only once; keep it.")
        self.stdout.write("")
