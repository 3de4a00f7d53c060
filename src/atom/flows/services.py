from django.db import transaction

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.flows.models import Flow


def create_flow(
    company, *, name: str, description: str, variables: list[str], actor: Actor
) -> Flow:
    with transaction.atomic():
        flow = Flow.objects.create(
            company=company,
            name=name,
            description=description,
            variables=variables,
            created_by=actor.user,
        )
        record(
            "flow.created",
            actor=actor,
            company=company,
            details={"flow_id": flow.id, "name": name, "variables": variables},
        )
    return flow
