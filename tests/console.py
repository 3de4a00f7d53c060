"""A person using the console of a real server over HTTP: cookies, CSRF, an address."""

from __future__ import annotations

import re

import requests
from requests.adapters import HTTPAdapter

from tests.helpers import PASSWORD

GENERATE_TOKEN = "/settings/my-company/settings/security/token/generate/"


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source: str) -> None:
        self._source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._source, 0)
        super().init_poolmanager(*args, **kwargs)


class Console:
    def __init__(self, server, *, source: str | None = None) -> None:
        self.base = server.base_url
        self.session = requests.Session()
        if source:
            self.session.mount("http://", _SourceAddressAdapter(source))

    def url(self, path: str) -> str:
        return self.base + path

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url(path), allow_redirects=False, timeout=10, **kwargs)

    def post(self, path: str, data: dict | None = None, *, json: bool = False) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf()}
        if json:
            headers["Accept"] = "application/json"
        return self.session.post(
            self.url(path), data=data or {}, headers=headers, allow_redirects=False, timeout=10
        )

    def log_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        self.get("/login/")
        return self.post("/login/", {"email": email, "password": password})

    def generate_token(self) -> int:
        """Press "Generate new Token": the id of the new, pending token."""
        return self.post(GENERATE_TOKEN, json=True).json()["id"]

    def security_form(self) -> dict[str, str]:
        """The Security Settings form's current values, as a browser would submit them."""
        html = self.get("/settings/my-company/settings/").text
        revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
        size = re.search(r'name="password_size" value="(\d+)"', html).group(1)
        addresses = re.search(
            r'<textarea name="allowed_addresses"[^>]*>\n?(.*?)</textarea>', html, re.S
        ).group(1)
        return {"revision": revision, "password_size": size, "allowed_addresses": addresses}
