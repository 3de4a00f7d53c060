import pytest

from tests.servers import call_api


@pytest.mark.servers
def test_it_serves_the_api_from_a_real_server_process(atom_servers, acme_token):
    server = atom_servers()
    response = call_api(server, acme_token)
    assert response.status == 200, response.body
    assert response.json()["name"] == "Acme"
