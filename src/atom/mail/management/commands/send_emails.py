import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Send the queued security emails, retrying failures; runs until stopped, or once "
        "with --once (for a cron line)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between looks (default 5)"
        )

    def handle(self, *args, once: bool, interval: float, **options):
        from django.db import close_old_connections

        from atom.mail.sender import send_due

        while True:
            sent, failed = send_due()
            if sent or failed:
                self.stdout.write(f"sent {sent}, failed {failed}")
            if once:
                if sent == failed == 0:
                    return
                continue
            if not sent:
                time.sleep(interval)
            # A worker runs for days: a connection the database dropped
            # meanwhile is replaced, not reused.
            close_old_connections()
