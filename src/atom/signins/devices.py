"""A user agent in words a person recognizes: "Chrome 120", "macOS 14"."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=1024)
def describe(user_agent: str) -> tuple[str, str]:
    """(browser, system) of a user agent; empty strings when it says nothing usable.

    Cached: a console session sends the same header on every request, and
    parsing runs a few hundred regular expressions.
    """
    if not user_agent:
        return "", ""
    result = parse(user_agent[:300])
    browser = system = ""
    if result.user_agent is not None and result.user_agent.family != "Other":
        browser = " ".join(filter(None, [result.user_agent.family, result.user_agent.major]))
    if result.os is not None and result.os.family != "Other":
        system = " ".join(filter(None, [result.os.family, result.os.major]))
    return browser[:100], system[:100]
