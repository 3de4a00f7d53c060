"""The webhook post of the load and fault tests: a label that the stored run
keeps, so every run can be traced back to the post that made it."""

from __future__ import annotations

import json


def labelled_post(token: str, label: str, *, key: str | None = None) -> tuple[dict[str, str], str]:
    """Headers and body of a post storing ``label``, under ``key`` (the label by default)."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": key or label,
    }
    return headers, json.dumps({"phoneNumber": "50755667788", "variables": {"n": label}})
