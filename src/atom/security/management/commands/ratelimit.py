from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from atom.audit.actors import Actor
from atom.security.management.company import company_by_slug
from atom.security.services import set_rate_limit


class Command(BaseCommand):
    help = "Show or set a company's Atom API rate limit (requests per second, across all hosts)."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, metavar="SLUG")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--set", type=int, metavar="N", dest="limit", help="requests per second")
        group.add_argument("--default", action="store_true", help="back to the operator default")

    def handle(self, *args, company, limit, default, **options):
        found = company_by_slug(company)
        if limit is None and not default:
            current = found.api_rate_limit
            shown = (
                f"{current} requests per second"
                if current
                else f"the default, {settings.ATOM_DEFAULT_RATE_LIMIT} requests per second"
            )
            self.stdout.write(f"{found.slug}: {shown}.")
            return
        if limit is not None and not 1 <= limit <= 1_000_000:
            raise CommandError("--set must be from 1 to 1000000 requests per second.")
        set_rate_limit(found, None if default else limit, Actor.operator())
        self.stdout.write(
            f"{found.slug}: rate limit set to {found.api_rate_limit or 'the default'}."
        )
