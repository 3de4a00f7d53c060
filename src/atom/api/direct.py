"""API reads the short path answers without URL resolution or ninja.

``GET /api/v1/company`` and ``GET /api/v1/ping`` are the calls integrators
make most, and are answered from the process's memory. For them, Django's
URL resolution and ninja's hand-over (authentication, parameters, the
answer's validation and rendering) cost more than the gate and the view
together (docs/benchmarks.md). ``get`` declares such an operation once: it
is registered on its ninja router as usual, for the OpenAPI, /api/docs and
every other method (a POST or HEAD still meets ninja's 405), and the
short path (atom.api.short_path.ApiHandler) looks the path up in
``DIRECT`` first.

A direct answer goes through the same steps as ninja's, in the same order:
the operation's one authentication callback (atom.api.auth.CompanyToken:
the gate's access and the scope), the view, and an exception answered by
the API's own handlers. So the view must return its HttpResponse itself
(``json_answer`` of ``encode``, rendered as ninja renders): ninja passes it through as is,
and both ways give the same bytes. tests/api/test_direct.py holds them to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.responses import NinjaJSONEncoder

from atom.api.auth import requires

View = Callable[[HttpRequest], HttpResponse]

# path -> the answer of its GET, filled by ``get`` as the routers load.
DIRECT: dict[str, View] = {}

# What ninja's default renderer sends (ninja.renderers.JSONRenderer).
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def encode(data: Any) -> str:
    """``data`` as ninja's renderer writes it: the same encoder, the same text."""
    return json.dumps(data, cls=NinjaJSONEncoder)


def json_answer(content: str, status: int = 200) -> HttpResponse:
    """An answer of ``encode``'s JSON, with the content type ninja gives it."""
    return HttpResponse(content, status=status, content_type=JSON_CONTENT_TYPE)


def get(
    router: Router, prefix: str, path: str, *, scope: str | None, **options: Any
) -> Callable[[View], View]:
    """``router.get(path, ...)`` that the short path also answers directly at prefix + path.

    ``prefix`` is where api.py adds the router; ``scope`` is what
    ``requires`` would be given, or None for a public operation.
    """
    auth: dict[str, Any] = requires(scope) if scope is not None else {"auth": None}

    def register(view: View) -> View:
        router.get(path, **auth, **options)(view)
        check = auth["auth"]

        def answer(request: HttpRequest) -> HttpResponse:
            if check is not None:
                # As ninja's _run_authentication: the access it returns is request.auth.
                request.auth = check(request)  # type: ignore[attr-defined]
            return view(request)

        answer.__name__ = answer.__qualname__ = f"direct_{view.__name__}"
        DIRECT[prefix + path] = answer
        return view

    return register
