from django.core.management.base import BaseCommand
from django.db import transaction

from atom.audit.log import record
from atom.security.management.company import company_by_slug
from atom.security.models import AllowedAddress, SecurityPolicy
from atom.security.runtime.state import announce_change


class Command(BaseCommand):
    help = "Show or clear a company's Allowed IP Addresses (for a company that locked itself out)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "clear"])
        parser.add_argument("--company", required=True, metavar="SLUG")

    def handle(self, *args, action, company, **options):
        found = company_by_slug(company)
        rows = list(AllowedAddress.objects.filter(company=found).order_by("position"))
        if action == "show":
            if not rows:
                self.stdout.write(f"{found.slug}: no Allowed IP Addresses (no restriction).")
            for row in rows:
                self.stdout.write(f"{row.network}\t{row.label}".rstrip())
            return
        with transaction.atomic():
            AllowedAddress.objects.filter(company=found).delete()
            policy = SecurityPolicy.objects.select_for_update().get(company=found)
            policy.revision += 1
            policy.save(update_fields=["revision", "updated_at"])
            record(
                "security.allowlist_cleared",
                company=found,
                actor_type="operator",
                actor_label="operator",
                details={"removed": [row.network for row in rows]},
            )
            announce_change()
        self.stdout.write(
            f"Cleared {len(rows)} Allowed IP Addresses of {found.slug}: access is no longer restricted by address."
        )
