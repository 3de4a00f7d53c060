"""The console speaks English and Spanish: every string is in the Spanish catalogue."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "atom"
CATALOGUE = SOURCE / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogue as makemessages would rebuild it from today's code."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (Debian's gettext package) is needed to check the catalogue")
    copy = tmp_path_factory.mktemp("src") / "atom"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    env = {"DJANGO_SETTINGS_MODULE": "atom.settings", "ATOM_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "es",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        env={**env, "PYTHONPATH": str(SOURCE.parent)},
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))


def test_it_translates_every_console_string_to_spanish(extracted):
    missing = [entry.msgid for entry in extracted if not entry.translated() and not entry.obsolete]
    assert missing == [], (
        f"{len(missing)} strings without a Spanish translation (run `make messages`)"
    )


def test_it_has_no_fuzzy_translations(extracted):
    fuzzy = [entry.msgid for entry in extracted if "fuzzy" in entry.flags]
    assert fuzzy == []


def test_it_ships_a_compiled_catalogue_that_matches_the_source():
    with COMPILED.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert compiled.gettext(key) == entry.msgstr, entry.msgid


def test_it_keeps_every_placeholder_in_the_spanish_text():
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt (Debian's gettext package) is needed to check the catalogue")
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def _security_save_in_spanish(as_user, owner, acme, allowed_addresses: str) -> str:
    from django.urls import reverse

    from tests.helpers import section_form

    client = as_user(owner)
    client.post(reverse("set_language"), {"language": "es"})
    return client.post(
        reverse("companies:security_save"), section_form(acme, allowed_addresses=allowed_addresses)
    ).content.decode()


def test_it_translates_an_allowlist_refusal_with_its_range_name(as_user, owner, acme):
    page = _security_save_in_spanish(as_user, owner, acme, "10.1.2.3")
    assert "10.1.2.3" in page
    assert "red privada" in page


def test_it_shows_an_entry_as_typed_even_when_it_reads_like_a_console_word(as_user, owner, acme):
    page = _security_save_in_spanish(as_user, owner, acme, "Save")
    assert "Save: el carácter" in page
    assert "Guardar: el carácter" not in page
