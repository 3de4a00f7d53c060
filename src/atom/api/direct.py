"""API operations the short path answers without URL resolution or ninja.

``GET /api/v1/company``, ``GET /api/v1/ping``, the flow webhook and ``POST
/api/v1/templates/send`` are the calls integrators make most. For them,
Django's URL resolution and ninja's hand-over (authentication, parameters,
the answer's validation and rendering) cost more than the gate and the view
together (docs/benchmarks.md). ``get`` and ``post`` declare such an
operation once: it is registered on its ninja router as usual, for the
OpenAPI, /api/docs and every other method (a HEAD still meets ninja's 405),
and the short path (atom.api.short_path.ApiHandler) asks ``find`` first.
A path may end with one id (``flows/{int:flow_id}``), read by
atom.ids.parse_id; anything else it could be goes through ninja as before.

A direct answer goes through the same steps as ninja's, in the same order:
the operation's one authentication callback (atom.api.auth.CompanyToken:
the gate's access and the scope), the view, and an exception answered by
the API's own handlers. So the view must return its HttpResponse itself
(``json_answer`` of ``encode``, rendered as ninja renders): ninja passes it through as is,
and both ways give the same bytes. tests/api/test_direct.py holds them to it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router
from ninja.responses import NinjaJSONEncoder

from atom.api.auth import requires
from atom.ids import parse_id

View = Callable[..., HttpResponse]

# (method, path) -> its answer, filled by ``get`` and ``post`` as the routers load.
DIRECT: dict[tuple[str, str], View] = {}
# (method, path up to its last "/") -> (the id's parameter name, the answer).
DIRECT_BY_ID: dict[tuple[str, str], tuple[str, View]] = {}

_TRAILING_ID = re.compile(r"(?P<head>.*/)?\{int:(?P<name>\w+)\}")

# What ninja's default renderer sends (ninja.renderers.JSONRenderer).
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def encode(data: Any) -> str:
    """``data`` as ninja's renderer writes it: the same encoder, the same text."""
    return json.dumps(data, cls=NinjaJSONEncoder)


def json_answer(content: str, status: int = 200) -> HttpResponse:
    """An answer of ``encode``'s JSON, with the content type ninja gives it."""
    return HttpResponse(content, status=status, content_type=JSON_CONTENT_TYPE)


def find(method: str, path: str) -> Callable[[HttpRequest], HttpResponse] | None:
    """The direct answer of ``method`` at ``path``, or None to go through ninja."""
    answer = DIRECT.get((method, path))
    if answer is not None or not DIRECT_BY_ID:
        return answer
    head, _, tail = path.rpartition("/")
    entry = DIRECT_BY_ID.get((method, head + "/"))
    number = parse_id(tail) if entry is not None else None
    if entry is None or number is None:
        return None
    name, view = entry
    return functools.partial(view, **{name: number})


def id_path(url_name: str, name: str) -> Callable[[int], str]:
    """``reverse(url_name, kwargs={name: id})`` as a function of the id, reversed once.

    For the Location of every stored run or message: reverse() costs more
    than the rest of building the answer.
    """

    @functools.cache
    def prefix() -> str:
        path = reverse(url_name, kwargs={name: 1})
        if not path.endswith("/1"):
            raise ValueError(f"{url_name} does not end with its {name}: {path}")
        return path[:-1]

    return lambda number: prefix() + str(number)


def stored_answer(url_name: str, name: str, field: str) -> Callable[[Any, bool], HttpResponse]:
    """The answer of a durable write, as a function of (row, created).

    202 and the row just stored, or 200 and the row an earlier request with
    its Idempotency-Key stored: ``{field: id, "status": ...}``, with the
    row's ``Location`` (``url_name`` with the id as ``name``).
    """
    location = id_path(url_name, name)

    def answer(row: Any, created: bool) -> HttpResponse:
        response = json_answer(
            encode({field: row.pk, "status": row.status}), 202 if created else 200
        )
        response["Location"] = location(row.pk)
        return response

    return answer


def get(
    router: Router, prefix: str, path: str, *, scope: str | None, **options: Any
) -> Callable[[View], View]:
    """``router.get(path, ...)`` that the short path also answers directly at prefix + path.

    ``prefix`` is where api.py adds the router; ``scope`` is what
    ``requires`` would be given, or None for a public operation.
    """
    return _direct("GET", router, prefix, path, scope, {}, options)


def post(
    router: Router,
    prefix: str,
    path: str,
    *,
    scope: str,
    headers: dict[str, str] | None = None,
    **options: Any,
) -> Callable[[View], View]:
    """``router.post(path, ...)``, answered directly like ``get``.

    ``headers`` maps the view's header parameters to their WSGI names
    (``{"idempotency_key": "HTTP_IDEMPOTENCY_KEY"}``): ninja reads them
    from the operation's signature, the direct answer from this map.
    """
    return _direct("POST", router, prefix, path, scope, headers or {}, options)


def _direct(
    method: str,
    router: Router,
    prefix: str,
    path: str,
    scope: str | None,
    headers: dict[str, str],
    options: dict[str, Any],
) -> Callable[[View], View]:
    auth: dict[str, Any] = requires(scope, options.pop("openapi_extra", None)) if scope else {}
    if not auth:
        auth = {"auth": None}

    def register(view: View) -> View:
        router.api_operation([method], path, **auth, **options)(view)
        check = auth["auth"]

        def answer(request: HttpRequest, **params: Any) -> HttpResponse:
            if check is not None:
                # As ninja's _run_authentication: the access it returns is request.auth.
                request.auth = check(request)  # type: ignore[attr-defined]
            meta = request.META
            for name, key in headers.items():
                params[name] = meta.get(key)
            return view(request, **params)

        answer.__name__ = answer.__qualname__ = f"direct_{view.__name__}"
        with_id = _TRAILING_ID.fullmatch(path)
        if with_id is None:
            DIRECT[(method, prefix + path)] = answer
        else:
            DIRECT_BY_ID[(method, prefix + (with_id["head"] or ""))] = (with_id["name"], answer)
        return view

    return register
