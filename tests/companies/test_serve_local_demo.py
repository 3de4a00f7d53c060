"""`atom serve` on a loopback address is the local demo: its admins can allow their own address."""

import os

import pytest

from atom.companies.management.commands.serve import local_demo
from tests.servers import AtomServer

DEMO_LINE = "Serving on a loopback address (a local demo)"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_it_treats_a_loopback_host_as_the_local_demo(host):
    assert local_demo(host)


@pytest.mark.parametrize(
    "host",
    ["0.0.0.0", "::", "200.1.2.3", "10.0.0.5", "atom.example.com"],  # noqa: S104
)
def test_it_treats_any_other_host_as_a_deployment(host):
    assert not local_demo(host)


@pytest.fixture
def serve(transactional_db):
    started: list[AtomServer] = []

    def start(host: str, **env: str) -> AtomServer:
        server = AtomServer(env=env, workers=1, host=host)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.mark.servers
def test_it_allows_private_addresses_on_loopback_and_says_so(serve, monkeypatch):
    monkeypatch.delenv("ATOM_ALLOW_PRIVATE_ADDRESSES", raising=False)
    server = serve("127.0.0.1")
    assert DEMO_LINE in server.log()
    assert "ATOM_ALLOW_PRIVATE_ADDRESSES=1" in server.log()


@pytest.mark.servers
def test_it_keeps_the_operators_own_choice(serve, monkeypatch):
    monkeypatch.delenv("ATOM_ALLOW_PRIVATE_ADDRESSES", raising=False)
    server = serve("127.0.0.1", ATOM_ALLOW_PRIVATE_ADDRESSES="0")
    assert DEMO_LINE not in server.log()


@pytest.mark.servers
def test_it_keeps_the_strict_default_for_a_deployment_on_every_address(serve, monkeypatch):
    monkeypatch.delenv("ATOM_ALLOW_PRIVATE_ADDRESSES", raising=False)
    assert "ATOM_ALLOW_PRIVATE_ADDRESSES" not in os.environ
    server = serve("0.0.0.0", ATOM_ALLOWED_HOSTS="0.0.0.0,127.0.0.1")  # noqa: S104
    assert "Atom is starting at http://0.0.0.0:" in server.log()
    assert DEMO_LINE not in server.log()
