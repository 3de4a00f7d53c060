"""Reading a JSON request body within a size limit, and validating it into a schema.

The flow webhook and the Templates API read their bodies here rather than
through ninja's body parameters, because ninja reads and parses those before
the view runs: the limit must be enforced before and while reading, so a
caller cannot make a worker hold megabytes in memory to be told "too large".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic
from django.conf import settings
from django.http import HttpRequest

from atom.api.errors import ApiError

_CHUNK = 8192

Model = TypeVar("Model", bound=pydantic.BaseModel)


@dataclass(frozen=True, slots=True)
class JsonBody:
    raw: bytes
    data: dict[str, Any]


def read(request: HttpRequest) -> JsonBody:
    """The body as a JSON object, or ApiError 413/415/400 with nothing read past the limit.

    The limit is ATOM_API_MAX_BODY_KIB (64 KiB by default).
    """
    limit = settings.ATOM_API_MAX_BODY_KIB * 1024
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    _check_content_type(request)
    raw = _read_limited(request, declared, limit)
    return JsonBody(raw=raw, data=_parse(raw))


def check(model: type[Model], data: dict[str, Any]) -> tuple[Model | None, list[str]]:
    """``model`` built from ``data``, or None and one line per field that is wrong.

    Views add their own checks (a flow's variables, a template's
    placeholders) to the list, so one 400 names every problem at once.
    """
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as exc:
        return None, [_describe(item) for item in exc.errors()]


def invalid(problems: list[str]) -> ApiError:
    return ApiError(400, "validation_error", "; ".join(problems))


def _declared_length(request: HttpRequest) -> int | None:
    text = request.META.get("CONTENT_LENGTH") or ""
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise ApiError(400, "validation_error", "The Content-Length header is not a number.")
    return int(text)


def _check_content_type(request: HttpRequest) -> None:
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if request.content_type != "application/json" or charset not in ("utf-8", "utf8"):
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the body as JSON with the header 'Content-Type: application/json' "
            "(UTF-8 encoded).",
        )


def _read_limited(request: HttpRequest, declared: int | None, limit: int) -> bytes:
    if declared is not None:
        # Django's stream stops at Content-Length whatever the client sends.
        stream: Any = request
    elif _is_chunked(request):
        # Django reads nothing without a Content-Length; gunicorn hands us
        # the de-chunked stream and marks it as ending by itself.
        stream = request.META["wsgi.input"]
    else:
        return b""
    body = bytearray()
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - len(body)))
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)


def _is_chunked(request: HttpRequest) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and bool(request.META.get("wsgi.input_terminated"))


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"The body is larger than {limit // 1024} KiB; send less data in one request.",
    )


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (RFC 8259) does not, and
    # they could not be stored or sent back as JSON.
    raise ValueError(f"{name} is not valid JSON")


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(
            400, "validation_error", "The body is not valid JSON; send one JSON object."
        ) from None
    if not isinstance(data, dict):
        raise ApiError(400, "validation_error", "The body must be a JSON object ({...}).")
    return data


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
}


def _describe(item: Any) -> str:
    location = ".".join(str(part) for part in item["loc"]) or "body"
    message = _MESSAGES.get(item["type"], item["msg"])
    return f"{location}: {message}"
