"""A realistic database for the benchmark, written fast with bulk_create.

Every company gets a security policy and its own real API token (random,
with its own digest and its own Fernet ciphertext: generating 10,000 takes
about a second, so no shortcut is needed). One in five companies restricts
addresses with one to three entries. The companies the benchmark uses:

* **measured**: 1,000 Allowed IP Addresses that include the client,
  127.0.0.1, and a rate limit raised with ``atom ratelimit``;
* **refused**: 1,000 Allowed IP Addresses that do not include 127.0.0.1,
  for "a good token from a disallowed address" (wrk cannot choose its
  source address, so the token chooses the list instead);
* **integration**: an integration token of the measured company with two
  scopes and its own 100 Allowed IP Addresses (taken from the company's,
  the client among them), for the scoped-token row;
* **propagation**: like measured (the client being the range the probes come
  from), with an owner, for the Save trials.

Runs inside the harness process, after django.setup() on the bench database.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from django.core.management import call_command
from django.db import transaction

CLIENT = "127.0.0.1"
# The propagation probes come from many loopback addresses in this range
# (see bench/propagation.py), so it stands for the client on that list.
PROBE_NETWORK = "127.1.0.0/16"
# A public address on every seeded list: the "admin" of the propagation
# trials saves from here, so a list without the client never locks them out.
ADMIN_ADDRESS = "200.1.2.3"
RATE_LIMIT = 1_000_000
FLOW_VARIABLES = ["orderId", "amount"]


@dataclass(frozen=True)
class Seeded:
    companies: int
    measured_slug: str
    measured_token: str
    refused_token: str
    propagation_slug: str
    propagation_token: str
    allowlist_size: int
    flow_id: int | None
    # The measured company's template, for the POST /api/v1/templates/send row.
    template_id: int | None = None
    # An integration token of the measured company (two scopes, 100 own entries).
    integration_token: str = ""


def public_networks(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct public entries in canonical form: addresses, ranges, some IPv6."""
    from atom.security.core.allowlist import parse_entry
    from atom.security.core.allowlist_errors import EntryError

    seen: set[str] = set()
    while len(seen) < count:
        if rng.random() < 0.2:
            prefix = 128 if rng.random() < 0.5 else rng.choice([48, 56, 64])
            value = (0x2 << 125) | rng.getrandbits(125)  # 2000::/3
            text = str(IPv6Network((value, prefix), strict=False))
        else:
            prefix = 32 if rng.random() < 0.6 else rng.randint(20, 30)
            text = str(IPv4Network((rng.getrandbits(32), prefix), strict=False))
        try:
            entry = parse_entry(text)
        except EntryError:  # special-purpose range: draw again
            continue
        if entry.text != ADMIN_ADDRESS:
            seen.add(entry.text)
    return sorted(seen)


def create_tokens(ids: dict[str, int], slugs: list[str], vault) -> dict[str, str]:
    """One active API token for each company of ``slugs`` (``ids``: slug to id); slug to token."""
    from atom.security.core import tokens
    from atom.security.models import ApiToken, TokenStatus

    clear: dict[str, str] = {}
    rows = []
    for slug in slugs:
        token = tokens.generate()
        clear[slug] = token
        rows.append(
            ApiToken(
                company_id=ids[slug],
                status=TokenStatus.ACTIVE,
                digest=tokens.digest(token),
                ciphertext=vault.encrypt(token),
                last4=tokens.last4(token),
            )
        )
    ApiToken.objects.bulk_create(rows, batch_size=2000)
    return clear


def seed(companies: int, allowlist_size: int, *, seed_value: int = 7) -> Seeded:
    from atom.accounts.models import Role, User
    from atom.companies.models import Company
    from atom.security import keyring
    from atom.security.changes import announce_change
    from atom.security.models import AllowedAddress, SecurityPolicy

    if companies < 3:
        raise SystemExit("bench: --companies must be at least 3.")
    rng = random.Random(seed_value)
    vault = keyring.vault()
    special = {"measured": "bench-measured", "refused": "bench-refused"}
    special["propagation"] = "bench-propagation"
    slugs = [*special.values(), *(f"company-{n:05d}" for n in range(companies - len(special)))]

    with transaction.atomic():
        Company.objects.bulk_create(
            Company(name=slug.replace("-", " ").title(), slug=slug) for slug in slugs
        )
        ids = dict(Company.objects.filter(slug__in=slugs).values_list("slug", "id"))
        SecurityPolicy.objects.bulk_create(SecurityPolicy(company_id=ids[s]) for s in slugs)

        clear = create_tokens(ids, slugs, vault)

        entries: list[AllowedAddress] = []

        def allow(slug: str, networks: list[str]) -> None:
            entries.extend(
                AllowedAddress(company_id=ids[slug], network=network, position=position)
                for position, network in enumerate(networks)
            )

        big = public_networks(allowlist_size - 2, rng)
        # The client sits in the middle of the sorted list, not at an end.
        allow(
            special["measured"],
            [*big[: len(big) // 2], CLIENT, *big[len(big) // 2 :], ADMIN_ADDRESS],
        )
        allow(special["propagation"], [PROBE_NETWORK, ADMIN_ADDRESS, *big])
        allow(special["refused"], [ADMIN_ADDRESS, *public_networks(allowlist_size - 1, rng)])
        for slug in slugs[len(special) :]:
            if rng.random() < 0.2:
                allow(slug, public_networks(rng.randint(1, 3), rng))
        AllowedAddress.objects.bulk_create(entries, batch_size=2000)

        propagation = Company.objects.get(id=ids[special["propagation"]])
        owner = User(email="owner@propagation.bench", company=propagation, role=Role.OWNER)
        owner.set_unusable_password()
        owner.save()
        flow_id = _create_flow(ids[special["measured"]])
        template_id = _create_template(ids[special["measured"]])
        integration_token = _create_integration_token(ids[special["measured"]], big)
        announce_change()

    for slug in (special["measured"], special["propagation"]):
        call_command("ratelimit", "--company", slug, "--set", str(RATE_LIMIT), stdout=io.StringIO())
    return Seeded(
        companies=len(slugs),
        measured_slug=special["measured"],
        measured_token=clear[special["measured"]],
        refused_token=clear[special["refused"]],
        propagation_slug=special["propagation"],
        propagation_token=clear[special["propagation"]],
        allowlist_size=allowlist_size,
        flow_id=flow_id,
        template_id=template_id,
        integration_token=integration_token,
    )


INTEGRATION_SCOPES = ["company:read", "flows:start"]
INTEGRATION_OWN_ENTRIES = 100


def _create_integration_token(company_id: int, company_networks: list[str]) -> str:
    """The scoped row's token: two scopes, 100 own entries inside the company's list."""
    from atom.security.core import tokens
    from atom.security.models import IntegrationToken

    own = company_networks[: INTEGRATION_OWN_ENTRIES // 2 - 1]
    own += [CLIENT, *company_networks[-(INTEGRATION_OWN_ENTRIES // 2) :]]
    token = tokens.generate(tokens.INTEGRATION_PREFIX)
    IntegrationToken.objects.create(
        company_id=company_id,
        name="bench integration",
        scopes=INTEGRATION_SCOPES,
        allowed_networks=own,
        digest=tokens.digest(token),
        last4=tokens.last4(token),
    )
    return token


def _create_flow(company_id: int) -> int | None:
    """The webhook's flow, when this tree has flows (None otherwise)."""
    from django.apps import apps

    if not apps.is_installed("atom.flows"):
        return None
    from atom.flows.models import Flow

    flow = Flow.objects.create(
        company_id=company_id, name="Bench intake", variables=list(FLOW_VARIABLES)
    )
    return flow.id


def _create_template(company_id: int) -> int:
    """The template of the send row: two placeholders, as a shipping notice."""
    from atom.outbox.models import MessageTemplate

    template = MessageTemplate.objects.create(
        company_id=company_id,
        name="bench_order_shipped",
        language="en",
        body="Hello {{1}}, your order {{2}} is on its way.",
    )
    return template.id
