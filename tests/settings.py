"""Settings for the test suite: the real settings, with a known secret key,
a file database that server processes started by tests can share, and
Argon2id at a lower cost so the suite stays quick."""

import os
import tempfile

os.environ.setdefault(
    "ATOM_SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)

from atom.settings import *  # noqa: E402,F403
from atom.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"atom-test-{os.getpid()}.sqlite3")
    }
else:
    # Several suites may share one PostgreSQL server (developers' parallel
    # runs): ATOM_TEST_DB_SUFFIX keeps their test databases apart.
    DATABASES["default"]["TEST"] = {"NAME": f"test_atom{os.environ.get('ATOM_TEST_DB_SUFFIX', '')}"}

PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]
