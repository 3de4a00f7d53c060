"""axe-core in the pages the browser tests open: zero violations is the bar.

axe-core comes from npm into .cache/axe (the Makefile's `axe` step, run by
`make test`). Without it an accessibility test skips with the reason, or
fails when ATOM_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / ".cache/axe/node_modules/axe-core/axe.min.js"

# The rules of WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best
# practices (a main landmark, one h1, content inside landmarks...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@functools.cache
def axe_source() -> str | None:
    return AXE.read_text() if AXE.exists() else None


def require_axe() -> str:
    """axe-core's source, or skip (fail under ATOM_REQUIRE_BROWSER=1) without it."""
    source = axe_source()
    if source is None:
        reason = f"accessibility check: no axe-core at {AXE} (make test installs it with npm)"
        if os.environ.get("ATOM_REQUIRE_BROWSER", "") not in ("", "0", "false", "no", "off"):
            pytest.fail(reason + " and ATOM_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    return source


def assert_accessible(page, where: str = "") -> None:
    """Run axe-core on the page as it is now and fail on any violation.

    The console's CSP is `script-src 'self'`, so a <script> tag with axe's
    source inline (what add_script_tag(path=...) makes) is refused, and a
    context with bypass_csp=True would also hide the CSP faults these tests
    look for. page.evaluate runs through the DevTools protocol, which CSP
    does not govern: the page keeps its real policy and axe still loads.
    """
    source = require_axe()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Wrapped in a function so that Playwright evaluates it as a
        # statement list, not as a function to call.
        page.evaluate(f"() => {{ {source}\n }}")
    violations = page.evaluate(_RUN, TAGS)
    if violations:
        lines = [f"axe-core: {len(violations)} violation(s) on {where or page.url}"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    {node['target']}: {node['summary']}".replace("\n", " "))
        pytest.fail("\n".join(lines), pytrace=False)


# A phone and a desktop: the widths every page is checked at.
CHECKED_WIDTHS = (390, 1280)


def assert_accessible_at_widths(page, where: str) -> None:
    """``assert_accessible`` at each of CHECKED_WIDTHS; the page is left at the last."""
    for width in CHECKED_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{where} at {width} px")
