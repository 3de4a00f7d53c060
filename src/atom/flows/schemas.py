"""What the flow webhook accepts and what the API answers about flows and runs."""

from __future__ import annotations

from datetime import datetime

from ninja import Field

from atom.api.fields import CamelInput, CamelSchema, PhoneNumber, Value
from atom.flows.models import Flow


class FlowRunIn(CamelInput):
    phone_number: PhoneNumber
    variables: dict[str, Value] = Field(
        default_factory=dict,
        description="Exactly the variables the flow expects; values are strings or numbers.",
    )


class RunAccepted(CamelSchema):
    run_id: int
    status: str = Field(description="`queued`: stored, waiting for Atom's flow engine.")


class FlowRunOut(CamelSchema):
    id: int
    flow_id: int
    status: str
    phone_number: str
    variables: dict[str, Value]
    created_at: datetime


class FlowOut(CamelSchema):
    id: int
    name: str
    description: str
    variables: list[str]
    webhook_url: str
    created_at: datetime

    @staticmethod
    def resolve_webhook_url(flow: Flow, context) -> str:
        return context["request"].build_absolute_uri(flow.webhook_path())
