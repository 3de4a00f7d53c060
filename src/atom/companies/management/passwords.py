"""Reading a password for a command: from a prompt, or from standard input."""

import getpass
import sys

from django.core.management.base import CommandError


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
