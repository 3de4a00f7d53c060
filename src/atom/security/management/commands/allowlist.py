from django.core.management.base import BaseCommand

from atom.audit.actors import Actor
from atom.security.management.company import company_by_slug
from atom.security.models import AllowedAddress
from atom.security.services import clear_allowlist


class Command(BaseCommand):
    help = "Show or clear a company's Allowed IP Addresses (for a company that locked itself out)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "clear"])
        parser.add_argument("--company", required=True, metavar="SLUG")

    def handle(self, *args, action, company, **options):
        found = company_by_slug(company)
        if action == "show":
            rows = list(AllowedAddress.objects.filter(company=found).order_by("position"))
            if not rows:
                self.stdout.write(f"{found.slug}: no Allowed IP Addresses (no restriction).")
            for row in rows:
                self.stdout.write(f"{row.network}\t{row.label}".rstrip())
            return
        removed = clear_allowlist(found, Actor.operator())
        self.stdout.write(
            f"Cleared {len(removed)} Allowed IP Addresses of {found.slug}: access is no longer restricted by address."
        )
