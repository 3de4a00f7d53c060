"""How the micro benchmarks time a call and print their tables.

``--quick`` on a script's command line times each case briefly, only to
check that the script still runs (``make test`` does that); otherwise each
figure is the best of three runs of as many calls as fill about 0.2 s.
Time is this process's CPU time (``time.process_time``), not the wall
clock: on a machine shared with other programs, the time this process
spent waiting for a core is not what the call costs.
"""

from __future__ import annotations

import platform
import shutil
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterable
from pathlib import Path

QUICK = "--quick" in sys.argv[1:]


def microseconds(call: Callable[[], object], *, per: int = 1, quick_calls: int = 1000) -> float:
    """Microseconds per call of ``call``, or per item when one call covers ``per`` items."""
    timer = timeit.Timer(call, timer=time.process_time)
    if QUICK:
        return timer.timeit(number=quick_calls) / quick_calls / per * 1e6
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=3, number=number)) / number / per * 1e6


def print_table(rows: Iterable[tuple[str, float]], *, digits: int = 2, python: bool = True) -> None:
    if python:
        print(f"Python {platform.python_version()} ({platform.python_implementation()})")
        print()
    print("| operation | µs per call |")
    print("|---|---:|")
    for label, cost in rows:
        print(f"| {label} | {cost:.{digits}f} |")


def in_scratch_dir(measure: Callable[[Path], None], prefix: str) -> None:
    """Run ``measure`` with a fresh temporary folder (its database), removed afterwards."""
    work_dir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        measure(work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
