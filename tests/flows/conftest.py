import pytest

from atom.flows.models import Flow


@pytest.fixture
def order_flow(acme, owner):
    """Acme's flow that expects an order id and an amount."""
    return Flow.objects.create(
        company=acme, name="Order shipped", variables=["orderId", "amount"], created_by=owner
    )


@pytest.fixture
def globex_flow(globex):
    return Flow.objects.create(company=globex, name="Globex welcome", variables=[])
