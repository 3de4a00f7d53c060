"""`atom 2fa reset --company SLUG --email EMAIL`: break glass for a user who lost every factor.

The module is named after the command an operator types; Django finds
commands by file name, and `atom` passes "2fa" through as it is.
"""

from django.core.management.base import BaseCommand, CommandError

from atom.accounts.models import User, normalize_email
from atom.audit.actors import Actor
from atom.security.management.company import company_by_slug
from atom.twofactor.services import reset


class Command(BaseCommand):
    help = (
        "Reset a user's two-step verification (authenticator app, passkeys, recovery codes), "
        "for a user who lost them all. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["reset"])
        parser.add_argument("--company", required=True, metavar="SLUG")
        parser.add_argument("--email", required=True, metavar="EMAIL")

    def handle(self, *args, action, company, email, **options):
        found = company_by_slug(company)
        user = User.objects.filter(company=found, email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"--email: {email!r} is not a user of {found.slug}.")
        had = reset(user, Actor.operator())
        if had:
            self.stdout.write(
                f"Reset two-step verification of {user.email} ({found.slug}): their authenticator "
                "app, passkeys and recovery codes no longer work. They set it up again at their "
                "next log-in if the company requires it."
            )
        else:
            self.stdout.write(
                f"{user.email} ({found.slug}) had no two-step verification; nothing to reset."
            )
