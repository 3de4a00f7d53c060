"""The `atom` command: Django's management commands with Atom's own among them.

atom serve                      migrate, create the demo company on an empty
                                database, and serve with gunicorn
atom createcompany NAME --owner-email EMAIL [--password-stdin]
atom createuser --company SLUG --email EMAIL --role ROLE [--password-stdin]
atom token rotate --company SLUG [--grace 0|1h|24h|7d] [--show]
atom allowlist show|clear --company SLUG
atom ratelimit --company SLUG [--set N | --default]
atom reencrypt-tokens           re-encrypt stored tokens under the first key
atom prune                      delete idempotency keys older than 24 hours
atom migrate, atom check --deploy, ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atom.settings")
    from django.core.management import execute_from_command_line

    from atom.env import ConfigError

    args = sys.argv[1:] if argv is None else argv
    if args and not args[0].startswith("-"):
        # Atom's own commands are spelled with hyphens (reencrypt-tokens);
        # Django names a command after its module (reencrypt_tokens).
        args = [args[0].replace("-", "_"), *args[1:]]
    try:
        execute_from_command_line(["atom", *args])
    except ConfigError as exc:
        print(f"atom: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
