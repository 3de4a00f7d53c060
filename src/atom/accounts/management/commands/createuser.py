from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from atom.accounts.models import Role, User
from atom.accounts.services import add_user
from atom.audit.actors import Actor
from atom.companies.management.cli_input import first_error, new_user_email, read_password
from atom.companies.models import Company


class Command(BaseCommand):
    help = "Add a user to a company. The user must change the password at first log-in."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, metavar="SLUG")
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, help="owner, admin or agent")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the initial password from standard input",
        )

    def handle(self, *args, company, email, role, password_stdin, **options):
        found = Company.objects.filter(slug=company).first()
        if found is None:
            raise CommandError(f"no company with the slug {company!r}.")
        if role not in Role.values:
            raise CommandError(f"{role!r} is not a role; use one of: {', '.join(Role.values)}.")
        email = new_user_email(email)
        password = read_password(password_stdin)
        try:
            password_validation.validate_password(password, User(email=email, company=found))
        except ValidationError as error:
            raise CommandError(f"password refused: {first_error(error)}") from None
        user = add_user(found, email, role, password, Actor.operator())
        self.stdout.write(
            f"Added {user.email} to {found.slug} as {role}; they must change the password at first log-in."
        )
