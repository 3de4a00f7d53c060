import pytest

from atom.outbox.models import MessageTemplate


@pytest.fixture
def greeting(acme, owner):
    """Acme's template with two placeholders."""
    return MessageTemplate.objects.create(
        company=acme,
        name="order_shipped",
        language="en",
        body="Hello {{1}}, your order {{2}} ships today.",
        created_by=owner,
    )


@pytest.fixture
def globex_template(globex):
    return MessageTemplate.objects.create(
        company=globex, name="welcome", language="es", body="Hola {{1}}"
    )
