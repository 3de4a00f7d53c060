"""Hostile input against the parsers that guard access, for a fixed budget.

Hypothesis throws generated and mutated input at the token header, the
allowlist entries, X-Forwarded-For and webhook bodies, first at the parsers
alone, then through the real request path (middleware, gate, views). Two
properties everywhere: nothing escapes as an exception or a 500, and no input
widens access (a request is let in only when an independent reading of the
same input says it must be).

The budget is fixed (BUDGET examples per parser, HTTP_BUDGET per request
path) so the module runs in well under 30 seconds; the totals tried are
printed at the end of the module.
"""

from __future__ import annotations

import itertools
import json
import re
import string
from collections import Counter
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import pytest
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atom.flows.models import Flow, FlowRun
from atom.security.changes import announce_change
from atom.security.core import allowlist, tokens
from atom.security.core.client_ip import TrustedProxies, resolve
from atom.security.core.matcher import Matcher
from atom.security.models import AllowedAddress

BUDGET = 400
HTTP_BUDGET = 150
tried: Counter[str] = Counter()
outcomes: Counter[str] = Counter()  # how many inputs took each path, to show both were taken

parser_settings = settings(max_examples=BUDGET, deadline=None)
http_settings = settings(
    max_examples=HTTP_BUDGET,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module", autouse=True)
def _report_inputs_tried():
    yield
    total = sum(tried.values())
    print(
        f"\nfuzz: {total} inputs tried: " + ", ".join(f"{k} {v}" for k, v in sorted(tried.items()))
    )
    print("fuzz outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


# What an attacker types: ASCII noise, look-alikes and control characters,
# and pieces of the real thing.
CONFUSABLES = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９．：／\u200b\u202e\u00a0\t\r\n\x00"
noise = st.text(alphabet=string.printable + CONFUSABLES, max_size=80) | st.text(max_size=40)


def mutations(valid: str) -> st.SearchStrategy[str]:
    """``valid`` with one character replaced, inserted or removed, or its case changed."""
    position = st.integers(min_value=0, max_value=len(valid))
    char = st.sampled_from(string.printable + CONFUSABLES)
    return st.one_of(
        st.tuples(position, char).map(lambda p: valid[: p[0]] + p[1] + valid[p[0] + 1 :]),
        st.tuples(position, char).map(lambda p: valid[: p[0]] + p[1] + valid[p[0] :]),
        position.map(lambda p: valid[:p] + valid[p + 1 :]),
        st.just(valid.swapcase()),
        st.tuples(noise, noise).map(lambda p: p[0] + valid + p[1]),
    )


# --------------------------------------------------------------------------
# The token header
# --------------------------------------------------------------------------

SAMPLE = tokens.generate()
schemes = st.sampled_from(["Bearer", "bearer", "BEARER", "bEaReR", "Basic", "Token", ""])
headers = st.one_of(
    noise,
    mutations(f"Bearer {SAMPLE}"),
    st.tuples(schemes, st.sampled_from([" ", "  ", "\t", ""]), mutations(SAMPLE)).map("".join),
)


@parser_settings
@given(headers)
def test_the_authorization_parser_returns_a_well_formed_token_or_a_token_error(value):
    tried["authorization parser"] += 1
    try:
        token = tokens.parse_authorization(value)
    except tokens.TokenError:
        outcomes["header refused"] += 1
        return
    outcomes["header parsed"] += 1
    scheme, _, rest = value.partition(" ")
    assert scheme.lower() == "bearer" and rest == token
    assert tokens.is_well_formed(token)


def _public_addresses():
    for n in itertools.count(1):
        yield f"8.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


_address_source = _public_addresses()


@pytest.mark.django_db
@http_settings
@given(data=st.data())
def test_no_authorization_header_but_the_exact_token_lets_a_request_in(
    client, acme, acme_token, data
):
    # A new address for each example, so the failure throttle never hides
    # the parser behind a 429.
    address = next(_address_source)
    value = data.draw(
        st.one_of(
            st.tuples(schemes, st.just(acme_token)).map(" ".join),
            headers,
            mutations(f"Bearer {acme_token}"),
            st.tuples(schemes, mutations(acme_token)).map(" ".join),
        )
    )
    tried["authorization header over HTTP"] += 1
    response = client.get("/api/v1/company", HTTP_AUTHORIZATION=value, REMOTE_ADDR=address)
    scheme, _, rest = value.partition(" ")
    outcomes[f"header over HTTP {response.status_code}"] += 1
    if scheme.lower() == "bearer" and rest == acme_token:
        assert response.status_code == 200
    else:
        assert response.status_code in (401, 429), (value, response.status_code)
        assert response.json()["error"] in ("token_missing", "token_invalid", "rate_limited")


# --------------------------------------------------------------------------
# Allowlist entries
# --------------------------------------------------------------------------

# Ranges no company may allow; a smaller, independent list than the one
# atom.security.core.public_ranges keeps.
NEVER_PUBLIC = [
    ip_network(text)
    for text in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
        "::1/128", "::ffff:0:0/96", "fc00::/7", "fe80::/10", "ff00::/8",
    )
]  # fmt: skip

octets = st.integers(min_value=0, max_value=300).map(str) | st.sampled_from(
    ["010", "0x7f", "00", "-1", "+1", "1e2", "٣", "２"]
)
dotted = st.lists(octets, min_size=1, max_size=6).map(".".join)
ipv6 = st.ip_addresses(v=6).map(str)
prefixes = st.sampled_from(
    ["", "/8", "/24", "/32", "/0", "/33", "/64", "/128", "/129", "/024", "/"]
)
labels = st.sampled_from(["", " Office", "  VPN exit", " \u202eevil", " x" * 60, "\tTab"])
entries = st.one_of(
    st.tuples(dotted | ipv6 | st.ip_addresses(v=4).map(str), prefixes, labels).map("".join),
    noise,
    mutations("200.1.2.0/24 Office"),
    mutations("2800:3f0:4001:800::200e"),
)


def _check_accepted(entry: allowlist.Entry, text: str, *, allow_private: bool) -> None:
    network = entry.network
    assert network.prefixlen >= (8 if network.version == 4 else 32)
    if not allow_private:
        assert not any(
            network.overlaps(bad) for bad in NEVER_PUBLIC if bad.version == network.version
        )
    # What the admin sees is what is matched: the address written is in the
    # network, read by Python's strict parser, and the canonical spelling
    # reads back to the same entry.
    written = text.strip().split()[0].split("/")[0]
    assert written.isascii()
    assert ip_address(written) in network
    assert (
        allowlist.parse_entry(f"{entry.text} {entry.label}", allow_private=allow_private) == entry
    )
    assert len(entry.label) <= allowlist.MAX_LABEL_LENGTH


@parser_settings
@given(entries, st.booleans())
def test_an_allowlist_entry_parses_to_what_it_says_or_is_refused(text, allow_private):
    tried["allowlist entry"] += 1
    try:
        entry = allowlist.parse_entry(text, allow_private=allow_private)
    except allowlist.EntryError:
        outcomes["entry refused"] += 1
        return
    outcomes["entry accepted"] += 1
    _check_accepted(entry, text, allow_private=allow_private)


@parser_settings
@given(st.lists(entries, max_size=8).map("\n".join) | noise, st.booleans())
def test_a_pasted_list_never_raises_and_keeps_only_good_entries(text, allow_private):
    tried["allowlist paste"] += 1
    parsed = allowlist.parse_lines(text, allow_private=allow_private)
    networks = [entry.network for entry in parsed.entries]
    assert len(networks) == len(set(networks))
    lines = re.split(r"\r\n|\r|\n", text)
    for entry, line in zip(parsed.entries, parsed.lines, strict=True):
        _check_accepted(entry, lines[line - 1], allow_private=allow_private)


networks = st.one_of(
    st.builds(lambda a, p: ip_network(f"{a}/{p}", strict=False), st.ip_addresses(v=4), st.integers(8, 32)),
    st.builds(lambda a, p: ip_network(f"{a}/{p}", strict=False), st.ip_addresses(v=6), st.integers(32, 128)),
    st.builds(lambda a, p: ip_network(f"::ffff:{a}/{p}", strict=False), st.ip_addresses(v=4), st.integers(104, 128)),
)  # fmt: skip


def _spellings(address):
    if isinstance(address, IPv4Address):
        return [address, IPv6Address(f"::ffff:{address}")]
    mapped = address.ipv4_mapped
    return [address] if mapped is None else [address, mapped]


@parser_settings
@given(st.lists(networks, max_size=6), st.lists(st.ip_addresses(), min_size=1, max_size=6))
def test_the_matcher_allows_exactly_the_addresses_inside_the_networks(networks, addresses):
    tried["allowlist matcher"] += 1
    matcher = Matcher(networks)
    for address in addresses:
        expected = any(
            spelling in network
            for network in networks
            for spelling in _spellings(address)
            if spelling.version == network.version
        )
        assert matcher.allows(address) == expected, (networks, address)


@pytest.mark.django_db
@http_settings
@given(st.lists(entries, max_size=5).map("\n".join))
def test_the_security_section_stores_only_entries_that_parse(as_user, owner, acme, text):
    tried["allowlist over HTTP"] += 1
    from tests.helpers import section_form

    client = as_user(owner)
    # The admin's own public address goes last, so a good list is saved.
    data = section_form(acme, allowed_addresses=f"{text}\n8.8.8.8 Me")
    response = client.post("/settings/my-company/settings/security/", data, REMOTE_ADDR="8.8.8.8")
    assert response.status_code in (302, 400), response.status_code
    outcomes[f"section save {response.status_code}"] += 1
    for row in AllowedAddress.objects.filter(company=acme):
        entry = allowlist.parse_entry(row.network, allow_private=False)
        assert entry.text == row.network
        assert not any(
            entry.network.overlaps(bad)
            for bad in NEVER_PUBLIC
            if bad.version == entry.network.version
        )


# --------------------------------------------------------------------------
# X-Forwarded-For
# --------------------------------------------------------------------------

TRUSTED = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8")
hops = st.one_of(
    st.sampled_from(
        ["8.8.8.8", " 8.8.8.8\t", "::ffff:8.8.8.8", "08.8.8.8", "8.8.8.8%eth0", "8.8.4.4",
         "127.0.0.1", "10.1.2.3", "unknown", ""]
    ),
    st.ip_addresses().map(str),
    entries,
    noise,
)  # fmt: skip
# Chains as proxies write them: anything, then the client, then trusted proxies.
chains = st.tuples(
    st.lists(hops, max_size=3),
    st.sampled_from(["8.8.8.8", " 8.8.8.8", "::ffff:8.8.8.8", "::FFFF:808:808", "8.8.4.4"]),
    st.lists(st.sampled_from(["127.0.0.1", " 10.1.2.3", "::ffff:127.0.0.1"]), max_size=2),
).map(lambda parts: ",".join([*parts[0], parts[1], *parts[2]]))
forwarded = st.lists(hops, max_size=5).map(",".join) | chains | noise
remotes = st.sampled_from(["127.0.0.1", "10.9.9.9", "1.1.1.1", "::1", "", "garbage"]) | noise


def _strict(text: str):
    """An independent reading of one hop: Python's parser, no zone, mapped as IPv4."""
    text = text.strip(" \t")
    if "%" in text or not text.isascii() or text != text.strip():
        return None
    try:
        address = ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


@parser_settings
@given(remotes, forwarded | st.none())
def test_the_client_address_is_the_rightmost_untrusted_hop_or_nothing(remote, header):
    tried["x-forwarded-for parser"] += 1
    assert resolve(remote, header, TRUSTED) == _reference_client(remote, header), (remote, header)


def _reference_client(remote: str, header: str | None):
    peer = _strict(remote) if remote == remote.strip(" \t") else None
    if peer is None or header is None or peer not in TRUSTED:
        # Nobody but a trusted proxy can put words in our mouth.
        return peer
    client = peer
    for hop in reversed(header.split(",")):
        client = _strict(hop)
        if client is None or client not in TRUSTED:
            break
    return client


@pytest.mark.django_db
@http_settings
@given(remote=st.sampled_from(["127.0.0.1", "1.1.1.1"]), header=forwarded)
def test_x_forwarded_for_lets_in_only_an_allowed_rightmost_hop(
    client, acme, acme_token, remote, header
):
    tried["x-forwarded-for over HTTP"] += 1
    with transaction.atomic():
        if not AllowedAddress.objects.filter(company=acme).exists():
            AllowedAddress.objects.create(company=acme, network="8.8.8.8", position=0)
            announce_change()
    with override_settings(ATOM_TRUSTED_PROXIES=TRUSTED):
        response = client.get(
            "/api/v1/company",
            HTTP_AUTHORIZATION=f"Bearer {acme_token}",
            HTTP_X_FORWARDED_FOR=header,
            REMOTE_ADDR=remote,
        )
    outcomes[f"forwarded over HTTP {response.status_code}"] += 1
    if _reference_client(remote, header) == IPv4Address("8.8.8.8"):
        assert remote == "127.0.0.1"  # only through the trusted proxy
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 429), (remote, header, response.status_code)


# --------------------------------------------------------------------------
# Webhook bodies
# --------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
phones = st.one_of(
    st.from_regex(r"[0-9]{8,15}", fullmatch=True), st.text(max_size=20), st.integers(), st.none()
)
variable_values = st.one_of(
    st.text(max_size=30), st.integers(), st.floats(), st.booleans(), st.none(), json_values
)
near_valid = st.fixed_dictionaries(
    {"phoneNumber": phones},
    optional={
        "variables": st.dictionaries(
            st.sampled_from(["orderId", "amount", "extra", ""]) | st.text(max_size=5),
            variable_values,
            max_size=4,
        ),
        "extra": json_values,
    },
)


def _encode(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


valid = st.fixed_dictionaries(
    {
        "phoneNumber": st.from_regex(r"[0-9]{8,15}", fullmatch=True),
        "variables": st.fixed_dictionaries(
            {"orderId": st.text(max_size=30), "amount": st.integers(-(2**60), 2**60) | st.text()}
        ),
    }
)
bodies = st.one_of(
    valid.map(_encode),
    near_valid.map(_encode),
    json_values.map(_encode),
    st.binary(max_size=200),
    st.just(b'{"phoneNumber": "50755667788", "variables": {"orderId": NaN, "amount": 1}}'),
    st.just(b"[" * 5000 + b"]" * 5000),
    st.integers(64 * 1024 - 40, 70 * 1024).map(
        lambda n: b'{"phoneNumber": "50755667788", "variables": {"orderId": "' + b"x" * n + b'"}}'
    ),
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "application/json; charset=latin-1",
     "text/plain", "application/x-www-form-urlencoded", ""]
)  # fmt: skip
keys = st.none() | st.text(max_size=20) | st.just("k" * 300)


@pytest.fixture
def order_flow(acme, owner):
    acme.api_rate_limit = 1_000_000  # examples come faster than 50 a second
    acme.save(update_fields=["api_rate_limit"])
    return Flow.objects.create(
        company=acme, name="Order shipped", variables=["orderId", "amount"], created_by=owner
    )


@pytest.mark.django_db
@http_settings
@given(body=bodies, content_type=content_types, key=keys)
def test_a_webhook_body_is_stored_as_validated_or_refused_with_a_4xx(
    order_flow, acme_token, body, content_type, key
):
    tried["webhook body over HTTP"] += 1
    client = Client()
    extra = {"HTTP_AUTHORIZATION": f"Bearer {acme_token}"}
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    before = FlowRun.objects.count()
    response = client.generic(
        "POST", f"/webhooks/flows/{order_flow.id}", body, content_type=content_type, **extra
    )
    assert response.status_code in (200, 202, 400, 409, 413, 415), response.status_code
    outcomes[f"webhook {response.status_code}"] += 1
    assert "error" in response.json() or response.status_code in (200, 202)
    if response.status_code != 202:
        assert FlowRun.objects.count() == before
        return
    assert FlowRun.objects.count() == before + 1
    run = FlowRun.objects.get(id=response.json()["runId"])
    assert re.fullmatch(r"[0-9]{8,15}", run.phone_number)
    assert set(run.variables) == {"orderId", "amount"}
    assert all(
        isinstance(value, str | int | float) and not isinstance(value, bool)
        for value in run.variables.values()
    )
    sent = json.loads(body)
    assert run.phone_number == sent["phoneNumber"] and run.variables == sent["variables"]
