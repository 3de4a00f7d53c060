"""What the Templates API accepts and answers, in the fields of Atom's public API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from ninja import Field
from pydantic import BeforeValidator, StrictBool, WithJsonSchema
from pydantic_core import PydanticCustomError

from atom.api.fields import CamelInput, CamelSchema, PersonName, PhoneNumber, Value

_MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[1-9][0-9]{0,17}")


def template_id(value) -> int:
    # Atom's public API sends templateId as a string; a number is accepted too.
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        value = int(value)
    elif isinstance(value, float) and value.is_integer():
        # JSON has one number type: 12.0 is the integer 12 (JSON Schema agrees).
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _MAX_ID:
        return value
    raise PydanticCustomError("template_id", "must be the id of one of your templates, e.g. 12")


TemplateId = Annotated[
    int,
    BeforeValidator(template_id),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": _MAX_ID},
                {"type": "string", "pattern": f"^{_DIGITS.pattern}$"},
            ],
            "description": "The template's id, as a number or a string of digits.",
            "examples": ["12"],
        }
    ),
]


class SendIn(CamelInput):
    template_id: TemplateId
    phone_number: PhoneNumber
    first_name: PersonName
    last_name: PersonName
    assign: StrictBool = Field(
        False, description="true: the conversation goes to an agent; false: to the bot."
    )
    params: dict[str, Value] = Field(
        default_factory=dict,
        description='A value for each placeholder of the template: {"1": "Ana", "2": 10}.',
    )


class MessageAccepted(CamelSchema):
    message_id: int
    status: str = Field(description="`pending`: in the outbox, waiting for delivery.")


class MessageOut(CamelSchema):
    id: int
    template_id: int
    status: str
    phone_number: str
    first_name: str
    last_name: str
    assign: bool
    params: dict[str, Value]
    text: str
    created_at: datetime


class TemplateOut(CamelSchema):
    id: int
    name: str
    language: str
    body: str
    placeholders: list[str] = Field(description='The keys `params` must have: ["1", "2"].')
    created_at: datetime
    updated_at: datetime
