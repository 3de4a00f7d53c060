from django.core.management.base import BaseCommand, CommandError

from atom.audit.actors import Actor
from atom.security import api_tokens
from atom.security.management.company import company_by_slug


class Command(BaseCommand):
    help = "Break-glass operations on a company's API token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate", help="replace a leaked token now (audited as an operator action)"
        )
        rotate.add_argument("--company", required=True, metavar="SLUG")
        rotate.add_argument(
            "--grace",
            default="0",
            help="how long the old token keeps working: 0 (default, stops now), 1h, 24h or 7d",
        )
        rotate.add_argument(
            "--show",
            action="store_true",
            help="print the new token (otherwise only its last 4 characters)",
        )

    def handle(self, *args, action, company, grace, show, **options):
        found = company_by_slug(company)
        if grace not in api_tokens.GRACE_CHOICES:
            raise CommandError(f"--grace must be one of 0, 1h, 24h, 7d; got {grace!r}.")
        row, clear = api_tokens.rotate(found, api_tokens.GRACE_CHOICES[grace], Actor.operator())
        when = "now" if grace == "0" else f"in {grace}"
        self.stdout.write(
            f"Rotated the API token of {found.slug}: the new token ends in {row.last4}; the old one stops {when}."
        )
        if show:
            self.stdout.write(clear)
        else:
            self.stdout.write(
                "Admins see the new token in Settings > My Company > Settings (or rerun with --show)."
            )
