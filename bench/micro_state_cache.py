"""Micro-benchmark of the bounded security state: hits, misses and the hit rate.

Run with ``python bench/micro_state_cache.py``: it seeds a temporary SQLite
database (2,000 companies) and times ``state.company`` (the lookup every API
call and console page makes) in one process, microseconds per call, best of
three runs:

* a hit: the company is in memory (a dict lookup and an O(1) ``move_to_end``);
* a miss: the bound (ATOM_SECURITY_CACHE_ENTRIES) is 1 and two companies
  alternate, so every call evicts the other and loads from the database;
* a skewed mix over every company with a bound of a quarter of them (a
  fifth of the companies make four fifths of the calls), whose hit rate
  and table size ``state.stats()`` reports after the table.

``--quick`` times each case briefly, to check that the script still runs.
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database as bench_database  # noqa: E402
from bench import timing  # noqa: E402
from bench.run import server_environment, setup_django  # noqa: E402
from bench.timing import QUICK, print_table  # noqa: E402

# Misses query the database: fewer calls in quick mode.
microseconds = functools.partial(timing.microseconds, quick_calls=200)


def main() -> None:
    timing.in_scratch_dir(measure, "atom-micro-state-")


def skewed(ids: list[int], count: int, rng: random.Random) -> list[int]:
    """``count`` company ids, four fifths of them from the first fifth of ``ids``."""
    popular = ids[: max(1, len(ids) // 5)]
    return [rng.choice(popular) if rng.random() < 0.8 else rng.choice(ids) for _ in range(count)]


def measure(work_dir: Path) -> None:
    env = server_environment(bench_database.choose(None, work_dir, ""), work_dir)
    env.pop("REDIS_URL", None)
    setup_django(env)

    from django.core.management import call_command
    from django.test import override_settings

    from atom.companies.models import Company
    from atom.security.runtime.state import state
    from bench.seed import seed

    call_command("migrate", interactive=False, verbosity=0)
    seeded = seed(200 if QUICK else 2_000, 100)
    ids = list(Company.objects.order_by("id").values_list("id", flat=True))
    first, second = ids[0], ids[1]

    def hit() -> None:
        state.company(first)

    flip = [first, second]

    def miss() -> None:
        flip.reverse()
        state.company(flip[0])

    bound = max(1, len(ids) // 4)
    mix = skewed(ids, 2_000 if QUICK else 20_000, random.Random(7))
    position = [0]

    def mixed() -> None:
        i = position[0]
        state.company(mix[i])
        position[0] = (i + 1) % len(mix)

    state.company(first)
    rows = [("`state.company`, in memory (a hit)", microseconds(hit))]
    with override_settings(ATOM_SECURITY_CACHE_ENTRIES=1):
        state.forget()
        rows.append(
            ("`state.company`, evicted: loaded from the database (a miss)", microseconds(miss))
        )
    with override_settings(ATOM_SECURITY_CACHE_ENTRIES=bound):
        state.forget()
        for company_id in mix[: bound * 4]:  # warm: the table fills to its bound
            state.company(company_id)
        before = state.stats()
        rows.append(
            (
                f"`state.company`, skewed mix over {len(ids):,} companies, "
                f"bound {bound:,} (hits and misses)",
                microseconds(mixed),
            )
        )
        after = state.stats()
    print_table(rows, digits=1, python=False)
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    print()
    print(
        f"Skewed mix ({seeded.companies:,} companies, a fifth of them making four fifths of "
        f"the calls, ATOM_SECURITY_CACHE_ENTRIES = {bound:,}): hit rate "
        f"{hits / (hits + misses):.1%} ({hits:,} hits, {misses:,} misses), "
        f"{after['companies']:,} companies held."
    )


if __name__ == "__main__":
    main()
