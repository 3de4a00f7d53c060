"""Turning the measures of a run into the markdown tables of docs/benchmarks.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from statistics import median

from bench.load import Endpoint, Measure
from bench.propagation import LABELS, Trial

BASELINE = "ping"
# The plain Django view (bench/baseline): the yardstick for the API.
DJANGO = "django"


@dataclass(frozen=True)
class Row:
    endpoint: str
    label: str
    rate: float
    ratio: float
    p50_ms: float
    p99_ms: float
    p99_ratio: float
    # Against the same round's plain Django view; 0.0 when it was not run.
    django_ratio: float
    cpu_us: float
    other_cores: float
    statuses: dict[int, int]
    socket_errors: int
    unexpected: int
    rounds: int


def summarize(endpoints: list[Endpoint], measures: list[Measure]) -> list[Row]:
    """Medians over rounds; each ratio is taken against the baseline of its own round."""
    baselines = {m.round: m for m in measures if m.endpoint == BASELINE}
    plain = {m.round: m for m in measures if m.endpoint == DJANGO}
    rows = []
    for endpoint in endpoints:
        mine = [m for m in measures if m.endpoint == endpoint.name]
        if not mine:
            continue
        ratios = [m.rate / baselines[m.round].rate for m in mine if m.round in baselines]
        p99_ratios = [m.p99_ms / baselines[m.round].p99_ms for m in mine if m.round in baselines]
        django_ratios = [m.rate / plain[m.round].rate for m in mine if m.round in plain]
        statuses: dict[int, int] = {}
        for m in mine:
            for status, count in m.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        rows.append(
            Row(
                endpoint=endpoint.name,
                label=endpoint.label,
                rate=median(m.rate for m in mine),
                ratio=median(ratios) if ratios else 0.0,
                p50_ms=median(m.p50_ms for m in mine),
                p99_ms=median(m.p99_ms for m in mine),
                p99_ratio=median(p99_ratios) if p99_ratios else 0.0,
                django_ratio=median(django_ratios) if django_ratios else 0.0,
                cpu_us=median(m.server_cpu_us for m in mine),
                other_cores=median(m.other_cores for m in mine),
                statuses=statuses,
                socket_errors=sum(m.socket_errors for m in mine),
                unexpected=sum(m.unexpected for m in mine),
                rounds=len(mine),
            )
        )
    return rows


def _statuses(statuses: dict[int, int]) -> str:
    total = sum(statuses.values()) or 1
    return (
        ", ".join(
            f"{status}: {count / total:.1%}" if len(statuses) > 1 else f"{status}"
            for status, count in sorted(statuses.items())
        )
        or "(not logged)"
    )


def load_table(rows: list[Row]) -> str:
    lines = [
        "| endpoint | req/s | ratio to ping | ratio to plain Django | p50 ms | p99 ms "
        "| p99 / ping p99 | server CPU µs/req | other load (cores) | answers | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in rows:
        errors = row.socket_errors + row.unexpected
        to_django = f"{row.django_ratio:.2f}" if row.django_ratio else "n/a"
        lines.append(
            f"| {row.label} | {row.rate:,.0f} | {row.ratio:.2f} | {to_django} | {row.p50_ms:.2f} "
            f"| {row.p99_ms:.2f} | {row.p99_ratio:.2f} | {row.cpu_us:.0f} | {row.other_cores:.2f} "
            f"| {_statuses(row.statuses)} | {errors} |"
        )
    return "\n".join(lines)


def rounds_table(endpoints: list[Endpoint], measures: list[Measure]) -> str:
    numbers = sorted({m.round for m in measures})
    lines = [
        "| endpoint | " + " | ".join(f"round {n}" for n in numbers) + " |",
        "|---|" + "---:|" * len(numbers),
    ]
    for endpoint in endpoints:
        cells = []
        for number in numbers:
            found = [m for m in measures if m.endpoint == endpoint.name and m.round == number]
            cells.append(f"{found[0].rate:,.0f}" if found else "")
        if any(cells):
            lines.append(f"| {endpoint.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def propagation_table(trials: list[Trial]) -> str:
    lines = [
        "| change | trials | median ms | max ms | workers seen | stale answers after it |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, label in LABELS.items():
        mine = [t for t in trials if t.kind == kind]
        if not mine:
            continue
        timed = [t.seconds * 1000 for t in mine if t.seconds is not None]
        shown_median = f"{median(timed):.0f}" if timed else "n/a"
        shown_max = f"{max(timed):.0f}" if len(timed) == len(mine) else "n/a (a worker was silent)"
        workers = min(t.workers for t in mine)
        stale = sum(t.stale_after_change for t in mine)
        lines.append(
            f"| {label} | {len(mine)} | {shown_median} | {shown_max} | {workers} | {stale} |"
        )
    return "\n".join(lines)


STATE_CACHE_MARK = "bench-state-cache "


def state_cache_stats(log_text: str) -> list[dict]:
    """The ``state.stats()`` each worker wrote to the log as it exited (bench/gunicorn_stats.py)."""
    found = []
    for line in log_text.splitlines():
        if line.startswith(STATE_CACHE_MARK):
            _pid, _, payload = line[len(STATE_CACHE_MARK) :].partition(" ")
            found.append(json.loads(payload))
    return found


def state_cache_line(stats: list[dict]) -> str:
    """One sentence: each worker's tables of companies and tokens, their bound, their hit rate."""
    if not stats:
        return "Security state per worker: not reported (no worker wrote its statistics on exit)."
    parts = [
        f"{s['entries']:,} entries ({s['companies']:,} companies, {s['tokens']:,} tokens, "
        f"{s['headers']:,} headers, {s['unknown_tokens']:,} unknown tokens), hit rate "
        f"{s['hit_rate']:.4%} ({s['hits']:,} hits, {s['misses']:,} misses)"
        for s in stats
    ]
    return (
        f"Security state per worker after the rounds (`state.stats()`; each table bounded by "
        f"ATOM_SECURITY_CACHE_ENTRIES = {stats[0]['limit']:,}): " + "; ".join(parts) + "."
    )
