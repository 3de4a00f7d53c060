"""The value types request bodies share, and the camelCase base of every body.

Each type checks its input with a message that says what to send, and
documents itself in the OpenAPI with the same rule, so a generated client
(or schemathesis) knows what a valid value looks like.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

# E.164 numbers have at most 15 digits; 8 is the shortest country code plus
# subscriber number WhatsApp delivers to. The "+" is left out, as in
# Atom's public Templates API.
PHONE_PATTERN = re.compile(r"[0-9]{8,15}")
# Numbers a JavaScript client can read back exactly (Number.MAX_SAFE_INTEGER).
SAFE_INTEGER = 2**53 - 1
VALUE_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 100


class CamelSchema(Schema):
    """JSON bodies use camelCase (``phoneNumber``), like Atom's public API.

    Answers are built in code by field name (``message_id=...``) and sent by alias.
    """

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True)


class CamelInput(BaseModel):
    """The base of every request body: exactly the documented camelCase names.

    A field sent under any other name (``template_id`` for ``templateId``, a
    typo, a field of another request) is a 400 ``validation_error`` naming
    it, never silently ignored or read under a second spelling: what passes
    validation is exactly what the view reads.

    A plain pydantic model, not a ninja Schema: bodies are validated by
    atom.api.json_body from parsed JSON, never from Django objects, so
    ninja's validator for those (a third of the webhook's validation) has
    nothing to do.
    """

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=False, validate_by_alias=True, extra="forbid"
    )


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _storable(text: str) -> bool:
    # PostgreSQL cannot store NUL in text or JSON, and a lone surrogate
    # (valid in a JSON escape, "\ud800") cannot be encoded at all.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _phone_number(value: Any) -> str:
    if not isinstance(value, str) or not PHONE_PATTERN.fullmatch(value):
        raise _fail(
            "phone_number",
            "must be 8 to 15 digits with the country code, without '+' or spaces "
            "(e.g. 50755667788)",
        )
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail("name_type", "must be a string")
    value = value.strip()
    if not value:
        raise _fail("name_blank", "must not be empty")
    if len(value) > NAME_MAX_LENGTH:
        raise _fail("name_long", f"must be at most {NAME_MAX_LENGTH} characters")
    if not _storable(value) or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise _fail("name_characters", "must not contain control characters")
    return value


def _value(value: Any) -> str | int | float:
    """A variable or template parameter: a string or a number, never true/false/null."""
    if isinstance(value, str):
        if len(value) > VALUE_MAX_LENGTH:
            raise _fail("value_long", f"must be at most {VALUE_MAX_LENGTH} characters")
        if not _storable(value):
            raise _fail("value_characters", "must not contain NUL or invalid Unicode")
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not -SAFE_INTEGER <= value <= SAFE_INTEGER:
            raise _fail("value_range", f"must be between -{SAFE_INTEGER} and {SAFE_INTEGER}")
        return value
    raise _fail("value_type", "must be a string or a number")


PhoneNumber = Annotated[
    str,
    BeforeValidator(_phone_number),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{PHONE_PATTERN.pattern}$",
            "description": "Digits only, with the country code and no '+'.",
            "examples": ["50755667788"],
        }
    ),
]

PersonName = Annotated[
    str,
    BeforeValidator(_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": NAME_MAX_LENGTH,
            "pattern": r"^[^\u0000-\u001f\u007f]*$",
            "description": "Not blank; no control characters.",
        }
    ),
]

Value = Annotated[
    Any,
    BeforeValidator(_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": VALUE_MAX_LENGTH, "pattern": r"^[^\u0000]*$"},
                {"type": "number", "minimum": -SAFE_INTEGER, "maximum": SAFE_INTEGER},
            ]
        }
    ),
]


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a body read with atom.api.json_body."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema(by_alias=True)}},
        }
    }
