"""What the `atom` commands read from operators: passwords and new users' emails."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email

from atom.accounts.models import User, normalize_email


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line; the newline the shell adds is not part of the password.
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input (--password-stdin).")
        return password
    if not sys.stdin.isatty():
        raise CommandError(
            "no terminal to ask for a password; pass --password-stdin and pipe it in."
        )
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    if first != second:
        raise CommandError("the two passwords are not the same.")
    return first


def first_error(error) -> str:
    """A ValidationError as one line for the terminal."""
    return " ".join(str(message) for message in error.messages)


def new_user_email(raw: str) -> str:
    """A well-formed email that no user has yet, folded like the log-in folds it."""
    email = normalize_email(raw)
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"{raw!r} is not an email address.") from None
    if User.objects.filter(email=email).exists():
        raise CommandError(f"a user with the email {email} already exists.")
    return email
