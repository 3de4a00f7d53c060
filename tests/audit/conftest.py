import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Sentences are compared in English unless a test asks for Spanish: a
    language another test left active in this thread must not leak in."""
    with translation.override("en"):
        yield
