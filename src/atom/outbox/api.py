"""The Templates API: list and read templates, send one, read a sent message back.

Sending stores the message in the outbox with status "pending" and its text
rendered; delivering it over WhatsApp is the delivery service's job, outside
this repository. A 202 means the row is committed (see atom.api.idempotency).
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from atom.api import direct, group_commit, idempotency, json_body
from atom.api.auth import ApiRequest, company_token, requires
from atom.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError
from atom.api.fields import request_body
from atom.api.pagination import Pages
from atom.outbox import placeholders, schemas
from atom.outbox.models import Message, MessageTemplate
from atom.outbox.schemas import MessageAccepted, MessageOut, SendIn, TemplateOut

router = Router(tags=["Templates"], auth=company_token)


@router.get(
    "templates",
    response={200: list[TemplateOut], **READ_ERRORS},
    by_alias=True,
    summary="List your templates",
    **requires("templates:read"),
)
@paginate(Pages)
def list_templates(request: ApiRequest):
    return MessageTemplate.objects.filter(company_id=request.company_id).order_by("id")


@router.get(
    "templates/{int:template_id}",
    response={200: TemplateOut, **READ_ERRORS},
    by_alias=True,
    summary="Get a template",
    **requires("templates:read"),
)
def get_template(request: ApiRequest, template_id: int):
    return get_object_or_404(MessageTemplate, id=template_id, company_id=request.company_id)


def template_id_in(data: dict) -> int | None:
    try:
        return schemas.template_id(data.get("templateId"))
    except ValueError:
        return None


def company_template(company_id: int, template_id: int) -> MessageTemplate | None:
    """The company's template with this id, its id and body loaded; or None.

    One plain query: on the send's path, building it through the ORM cost
    more than the rest of the request (docs/benchmarks.md). The other
    fields load on access, as with ``only()``.
    """
    quote = connection.ops.quote_name
    table = quote(MessageTemplate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('company_id')}, {quote('body')} FROM {table} "  # noqa: S608 - names, not data
            f"WHERE {quote('id')} = %s AND {quote('company_id')} = %s",
            [template_id, company_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return MessageTemplate.from_db(connection.alias, ["id", "company_id", "body"], row)


def check_params(template: MessageTemplate, params: object) -> list[str]:
    """What is wrong with the keys of ``params`` for this template, one line per key."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return []  # the schema check already says it must be an object
    expected = template.placeholders
    problems = [
        f"params.{name}: is required by the template ({{{{{name}}}}})"
        for name in expected
        if name not in params
    ]
    listing = ", ".join(expected) or "none"
    problems += [
        f"params.{name}: the template has no such placeholder (it has: {listing})"
        for name in params
        if name not in expected
    ]
    return problems


@direct.post(
    router,
    "/api/v1/",
    "templates/send",
    scope="templates:send",
    headers={"idempotency_key": idempotency.ENVIRON_NAME},
    response={202: MessageAccepted, 200: MessageAccepted, **WRITE_ERRORS},
    by_alias=True,
    summary="Send a template message",
    description=(
        "Stores the message in the outbox with status `pending` and its text rendered, and "
        "answers 202 once it is committed. The body is JSON, at most 64 KiB. `params` has a "
        "value for every placeholder of the template. With an `Idempotency-Key`, a retry "
        "returns the first message with 200."
    ),
    openapi_extra=request_body(SendIn),
)
def send_template(
    request: ApiRequest,
    idempotency_key: idempotency.KeyHeader = None,
) -> HttpResponse:
    key = idempotency.parse_key(idempotency_key)
    body = json_body.read(request)
    data, problems = json_body.check(SendIn, body.data)
    template_id = template_id_in(body.data)
    template = (
        company_template(request.company_id, template_id) if template_id is not None else None
    )
    if template is not None:
        problems += check_params(template, body.data.get("params"))
    if data is None or problems:
        raise json_body.invalid(problems)
    if template is None:
        raise ApiError(
            404,
            "not_found",
            f"templateId: there is no template {template_id} in your company's account.",
        )

    message = Message(
        company_id=request.company_id,
        template=template,
        phone_number=data.phone_number,
        first_name=data.first_name,
        last_name=data.last_name,
        assign=data.assign,
        params=data.params,
        text=placeholders.render(template.body, data.params),
    )
    intake = idempotency.intake(request, key, body.raw, message)
    return group_commit.answer(request, intake, accepted)


# 202 and the message just stored, or 200 and the one an earlier request with its key stored.
accepted = direct.stored_answer("atom-api:message", "message_id", "messageId")


@router.get(
    "messages/{int:message_id}",
    response={200: MessageOut, **READ_ERRORS},
    by_alias=True,
    url_name="message",
    summary="Get a sent message and its status",
    **requires("messages:read"),
)
def get_message(request: ApiRequest, message_id: int):
    return get_object_or_404(Message, id=message_id, company_id=request.company_id)
