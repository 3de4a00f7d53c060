"""Micro-benchmark of the per-request address work.

Run with ``python bench/micro_allowlist.py``; it prints a markdown table of
microseconds per call (best of three runs) and takes a few seconds.
``--quick`` times each case briefly, to check that the script still runs.

``Matcher.allows`` is timed over a fixed mix of queries, half inside an entry
and half outside every entry, so neither the hit nor the miss path hides the
other; the per-call figure includes the cost of the ``for`` loop around it.
"""

import random
import sys
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from atom.security.core.allowlist import parse_network
from atom.security.core.allowlist_errors import EntryError
from atom.security.core.client_ip import TrustedProxies, resolve
from atom.security.core.matcher import Matcher, Network
from bench.timing import microseconds, print_table

Address = IPv4Address | IPv6Address
RANDOM = random.Random(20240601)


def random_public_network() -> Network:
    """A public /32 (or /128) half of the time, else a range; 1 in 5 is IPv6."""
    while True:
        if RANDOM.random() < 0.2:
            prefix = 128 if RANDOM.random() < 0.5 else RANDOM.choice([48, 56, 64])
            value = (0x2 << 125) | RANDOM.getrandbits(125)  # 2000::/3
            network: Network = IPv6Network((value, prefix), strict=False)
        else:
            prefix = 32 if RANDOM.random() < 0.5 else RANDOM.randint(16, 30)
            network = IPv4Network((RANDOM.getrandbits(32), prefix), strict=False)
        try:
            return parse_network(str(network))
        except EntryError:  # special-purpose range: draw again
            continue


def queries(networks: list[Network], matcher: Matcher, count: int) -> list[Address]:
    mixed: list[Address] = []
    for _ in range(count // 2):
        network = RANDOM.choice(networks)
        mixed.append(network.network_address + RANDOM.randrange(network.num_addresses))
    while len(mixed) < count:
        miss = IPv4Address(RANDOM.getrandbits(32))
        if not matcher.allows(miss):
            mixed.append(miss)
    RANDOM.shuffle(mixed)
    return mixed


def per_address(check: Callable[[Address], bool], addresses: list[Address]) -> float:
    def run() -> None:
        for address in addresses:
            check(address)

    return microseconds(run, per=len(addresses), quick_calls=1)


def main() -> None:
    rows: list[tuple[str, float]] = []

    for size in (10, 1_000, 10_000):
        networks = [random_public_network() for _ in range(size)]
        matcher = Matcher(networks)
        addresses = queries(networks, matcher, 1_000)
        cost = per_address(matcher.allows, addresses)
        rows.append((f"`Matcher.allows`, {size:,} entries", cost))
        if size == 1_000:

            def naive(address: Address, networks: list[Network] = networks) -> bool:
                return any(address in network for network in networks)

            cost = per_address(naive, addresses[:100])
            rows.append((f"naive `ipaddress` scan, {size:,} entries", cost))

    no_proxy = TrustedProxies.parse("")
    one_proxy = TrustedProxies.parse("10.0.0.1")
    two_proxies = TrustedProxies.parse("10.0.0.1, 172.16.5.5")
    header = "1.1.1.1, 8.8.8.8, 200.1.2.3"
    cases: list[tuple[str, Callable[[], object]]] = [
        ("`resolve`, no proxy, IPv4 peer", lambda: resolve("200.1.2.3", None, no_proxy)),
        (
            "`resolve`, no proxy, IPv6 peer",
            lambda: resolve("2800:3f0:4001:800::200e", None, no_proxy),
        ),
        (
            "`resolve`, one trusted proxy, 3-element XFF",
            lambda: resolve("10.0.0.1", header, one_proxy),
        ),
        (
            "`resolve`, two trusted proxies, 3-element XFF",
            lambda: resolve("10.0.0.1", "1.1.1.1, 8.8.8.8, 172.16.5.5", two_proxies),
        ),
    ]
    rows += [(label, microseconds(call)) for label, call in cases]
    print_table(rows)


if __name__ == "__main__":
    main()
