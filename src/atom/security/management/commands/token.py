from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from atom.audit.actors import Actor
from atom.security import api_tokens, integrations
from atom.security.core import scopes, token_expiry
from atom.security.management.company import company_by_slug
from atom.security.models import IntegrationToken


class Command(BaseCommand):
    help = "A company's API token (break glass) and its integration tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate", help="replace a leaked company token now (audited as an operator action)"
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
        listing = sub.add_parser("list", help="list a company's integration tokens")
        listing.add_argument("--company", required=True, metavar="SLUG")
        create = sub.add_parser(
            "create", help="create an integration token; it is printed once, keep it"
        )
        create.add_argument("--company", required=True, metavar="SLUG")
        create.add_argument("--name", required=True)
        create.add_argument("--description", default="")
        create.add_argument(
            "--scope",
            action="append",
            default=[],
            metavar="SCOPE",
            help="repeat for each scope: " + ", ".join(scopes.SCOPES),
        )
        create.add_argument(
            "--expires",
            default="90",
            help="30, 90 (default) or 365 days, a date YYYY-MM-DD (the token works until its "
            "end, UTC), or never",
        )
        create.add_argument(
            "--address",
            action="append",
            default=[],
            help="repeat for each address or range of the token's own Allowed IP Addresses",
        )
        revoke = sub.add_parser("revoke", help="stop an integration token at once")
        revoke.add_argument("--company", required=True, metavar="SLUG")
        revoke.add_argument("--name", required=True)
        sub.add_parser(
            "remind",
            help="audit integration tokens expiring in 7 days or 1 day, and those that expired "
            "(run it hourly, beside atom prune)",
        )

    def handle(self, *args, action, **options):
        if action == "remind":
            reminded, expired = integrations.remind_and_expire()
            self.stdout.write(
                f"Reminded {reminded} expiring and recorded {expired} expired tokens."
            )
            return
        found = company_by_slug(options["company"])
        getattr(self, "_" + action)(found, **options)

    def _rotate(self, found, *, grace, show, **options):
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

    def _list(self, found, **options):
        now = timezone.now()
        rows = integrations.company_tokens(found)
        if not rows:
            self.stdout.write(f"{found.slug} has no integration tokens.")
            return
        for row in rows:
            expires = row.expires_at.date().isoformat() if row.expires_at else "never"
            used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
            self.stdout.write(
                f"{row.name}\t…{row.last4}\t{integrations.status(row, now)}\t"
                f"{','.join(row.scopes)}\texpires {expires}\tlast used {used}"
                + (f" from {row.last_used_ip}" if row.last_used_ip else "")
            )

    def _create(self, found, *, name, description, scope, expires, address, **options):
        on_date = ""
        if expires not in token_expiry.CHOICES:
            expires, on_date = token_expiry.ON_DATE, expires
        try:
            new = integrations.check(
                found,
                name=name,
                description=description,
                scope_values=scope,
                expiry=expires,
                expiry_date=on_date,
                addresses="\n".join(address),
            )
            row, clear = integrations.create(found, new, Actor.operator())
        except integrations.Refused as refused:
            raise CommandError(
                "\n".join(message for messages in refused.problems.values() for message in messages)
            ) from None
        self.stdout.write(
            f"Created the integration token {row.name} of {found.slug} "
            f"({', '.join(row.scopes)}). It is shown this once; keep it:"
        )
        self.stdout.write(clear)

    def _revoke(self, found, *, name, **options):
        row = IntegrationToken.objects.filter(
            company=found, name=name, revoked_at__isnull=True
        ).first()
        if row is None:
            raise CommandError(f"{found.slug} has no live integration token named {name!r}.")
        integrations.revoke(found, row.id, Actor.operator())
        self.stdout.write(
            f"Revoked the integration token {row.name} (…{row.last4}) of {found.slug}."
        )
