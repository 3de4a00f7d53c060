import pytest
from django.test import override_settings

from tests.mail.smtp import SmtpServer


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback, and Atom's email settings pointing at it."""
    server = SmtpServer().start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_TIMEOUT=5,
    ):
        yield server
    server.stop()
