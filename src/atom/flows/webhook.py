"""POST /webhooks/flows/{flow_id}: a company's systems start a flow.

The run is stored with status "queued" for the flow engine, which lives
outside this repository. A 202 means the row is committed: idempotency.once
returns only after its transaction's COMMIT, and the response is built after
that, so a crash after the 202 cannot lose the run.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router
from ninja.responses import Status

from atom.api import idempotency, json_body
from atom.api.auth import ApiRequest, requires
from atom.api.errors import WRITE_ERRORS
from atom.api.fields import request_body
from atom.flows.models import Flow, FlowRun
from atom.flows.schemas import FlowRunIn, RunAccepted
from atom.security.runtime.state import state

router = Router(tags=["Flow webhooks"])

# The flows this process has served, by id: a webhook call reads its flow
# (company, variables) from memory instead of a query. A flow's definition
# never changes once created; the cache is dropped with the security state
# on every change notification (state.generation) and emptied past
# ATOM_FLOWS_REMEMBERED. Unknown ids are not remembered: a flow created a
# moment ago is found at once.
_flows: dict[int, Flow] = {}
_flows_generation = -1


def known_flow(flow_id: int, company_id: int) -> Flow:
    """The company's flow with this id, from memory or one query; else 404."""
    global _flows, _flows_generation
    if state.generation != _flows_generation:
        _flows, _flows_generation = {}, state.generation
    flow = _flows.get(flow_id)
    if flow is None:
        flow = get_object_or_404(Flow.objects.only("id", "company_id", "variables"), id=flow_id)
        if len(_flows) >= settings.ATOM_FLOWS_REMEMBERED:
            _flows = {}
        _flows[flow_id] = flow
    if flow.company_id != company_id:
        # Another company's flow is as unknown as a flow that does not exist.
        raise Http404
    return flow


def check_variables(flow: Flow, variables: object) -> list[str]:
    """What is wrong with the names in ``variables`` for this flow, one line per variable."""
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        return []  # the schema check already says it must be an object
    expected = list(flow.variables)
    problems = [
        f"variables.{name}: is required by this flow" for name in expected if name not in variables
    ]
    listing = ", ".join(expected) or "none"
    problems += [
        f"variables.{name}: is not a variable of this flow (it expects: {listing})"
        for name in variables
        if name not in expected
    ]
    return problems


@router.post(
    "flows/{int:flow_id}",
    response={202: RunAccepted, 200: RunAccepted, **WRITE_ERRORS},
    by_alias=True,
    url_name="flow_webhook",
    summary="Start a flow",
    description=(
        "Stores a run of the flow with status `queued` and answers 202 once it is committed. "
        "The body is JSON, at most 64 KiB: `phoneNumber` (country code, no `+`) and "
        "`variables` (exactly those the flow expects, strings or numbers). "
        "With an `Idempotency-Key`, a retry returns the first run with 200."
    ),
    **requires("flows:start", request_body(FlowRunIn)),
)
def start_flow(
    request: ApiRequest,
    flow_id: int,
    response: HttpResponse,
    idempotency_key: idempotency.KeyHeader = None,
):
    flow = known_flow(flow_id, request.company_id)
    key = idempotency.parse_key(idempotency_key)
    body = json_body.read(request)
    data, problems = json_body.check(FlowRunIn, body.data)
    problems += check_variables(flow, body.data.get("variables"))
    if data is None or problems:
        raise json_body.invalid(problems)

    def store() -> FlowRun:
        return FlowRun.objects.create(
            company_id=request.company_id,
            flow=flow,
            phone_number=data.phone_number,
            variables=data.variables,
        )

    run, created = idempotency.once(request, key, body.raw, FlowRun, store)
    response["Location"] = reverse("atom-api:flow_run", kwargs={"run_id": run.id})
    return Status(202 if created else 200, {"run_id": run.id, "status": run.status})
