import pytest

from tests.conftest import bearer  # noqa: F401


@pytest.mark.servers
def test_it_serves_the_api_from_a_real_server_process(atom_servers, acme_token):
    server = atom_servers()
    response = server.get("/api/v1/company", headers={"Authorization": f"Bearer {acme_token}"})
    assert response.status == 200, response.body
    assert response.json()["name"] == "Acme"
