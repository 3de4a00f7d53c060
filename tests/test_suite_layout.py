"""The test suite's own rules: helpers are imported from helper modules,
never from a conftest.py, and tests use the product's public hooks."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# The architecture tests and this file name what they look for.
SOURCES = sorted(
    path
    for path in TESTS.rglob("*.py")
    if path != Path(__file__).resolve() and "architecture" not in path.relative_to(TESTS).parts
)


def test_no_module_imports_from_a_conftest():
    imports = re.compile(r"^\s*(from\s+\S*conftest\s+import|import\s+\S*conftest)", re.M)
    offenders = [
        str(path.relative_to(TESTS)) for path in SOURCES if imports.search(path.read_text())
    ]
    assert offenders == [], "import these from tests/helpers.py (or a helpers module) instead"


def test_no_test_spells_the_session_key_of_sudo_mode():
    offenders = [
        str(path.relative_to(TESTS)) for path in SOURCES if "sudo_until" in path.read_text()
    ]
    assert offenders == [], "use tests.helpers.sudo_ends_at (atom.accounts.sudo.set_sudo_expiry)"


def test_no_test_patches_or_reads_a_private_name_of_the_product():
    # monkeypatch.setattr(module, "_name", ...) and module._name on the
    # product's runtime objects: give the code a public hook instead.
    patched = re.compile(r"monkeypatch\.setattr\(\s*[a-z_.]+,\s*[\"']_[a-z]")
    reached = re.compile(r"\b(?:counters|state|watcher|idempotency|gate)\._[a-z]")
    offenders = [
        str(path.relative_to(TESTS))
        for path in SOURCES
        if patched.search(path.read_text()) or reached.search(path.read_text())
    ]
    assert offenders == []
