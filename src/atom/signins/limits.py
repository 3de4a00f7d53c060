"""Whether a session has outlived its company's Idle timeout or Maximum session length."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def exceeded(
    session: Mapping[str, Any],
    now: float,
    *,
    idle_seconds: int | None,
    length_seconds: int | None,
) -> str | None:
    """ "idle" or "length" when the session must end, else None.

    ``session`` holds its start and last activity (atom.signins.tracking);
    a session that has neither yet is judged from its next request on.
    """
    from atom.signins.tracking import SEEN, STARTED

    started, seen = session.get(STARTED), session.get(SEEN)
    if length_seconds and started is not None and now - started > length_seconds:
        return "length"
    if idle_seconds and seen is not None and now - seen > idle_seconds:
        return "idle"
    return None
