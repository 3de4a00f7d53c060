"""The cast on a database of its own: `python -m tests.reliability.seed [--migrate-only]`.

Fault and scale-out tests run servers on a private PostgreSQL, which the
test process's Django connection does not reach; this runs in a subprocess
with DATABASE_URL naming it, migrates, creates a company (Acme unless --name says;
its owner, a flow, a rate limit if --rate-limit says) and prints what the test needs as JSON.
"""

from __future__ import annotations

import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if "--migrate-only" in argv:
        return

    from atom.companies.services import create_company
    from atom.flows.models import Flow
    from atom.security import api_tokens
    from tests.helpers import PASSWORD

    name = argv[argv.index("--name") + 1] if "--name" in argv else "Acme"
    rate_limit = int(argv[argv.index("--rate-limit") + 1]) if "--rate-limit" in argv else None
    company, owner = create_company(name, f"owner@{name.lower()}.example", PASSWORD)
    if rate_limit:
        company.api_rate_limit = rate_limit
        company.save(update_fields=["api_rate_limit"])
    flow = Flow.objects.create(company=company, name="Orders", variables=["n"], created_by=owner)
    print(
        json.dumps(
            {
                "company_id": company.id,
                "slug": company.slug,
                "owner": owner.email,
                "token": api_tokens.reveal(api_tokens.active_token(company)),
                "flow_id": flow.id,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
