from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from atom.companies.management.cli_input import first_error, new_user_email, read_password
from atom.companies.models import Company
from atom.companies.services import create_company, validate_owner_password


class Command(BaseCommand):
    help = "Create a company with its owner, its security settings and its first API token."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the company's name")
        parser.add_argument("--owner-email", required=True, help="the owner's email, their log-in")
        parser.add_argument("--slug", help="the company's short name (default: from the name)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the owner's password from standard input",
        )

    def handle(self, *args, name, owner_email, slug, password_stdin, **options):
        name = " ".join(name.split())
        if not name:
            raise CommandError("the company name is empty.")
        email = new_user_email(owner_email)
        if slug is not None:
            if slugify(slug) != slug or not slug:
                raise CommandError(
                    f"{slug!r} is not a valid slug: use lowercase letters, digits and hyphens."
                )
            if Company.objects.filter(slug=slug).exists():
                raise CommandError(f"a company with the slug {slug} already exists.")
        password = read_password(password_stdin)
        try:
            validate_owner_password(email, password)
        except ValidationError as error:
            raise CommandError(f"password refused: {first_error(error)}") from None
        company, owner = create_company(name, email, password, slug=slug)
        self.stdout.write(
            f"Created company {company.name} ({company.slug}) with owner {owner.email}."
        )
