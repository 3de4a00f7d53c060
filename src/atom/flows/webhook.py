"""POST /webhooks/flows/{flow_id}: a company's systems start a flow.

The run is stored with status "queued" for the flow engine, which lives
outside this repository. A 202 means the row is committed: the answer is built
only after idempotency.store's COMMIT (at once, or with the worker's group:
atom.api.group_commit), so a crash after the 202 cannot lose the run.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from atom.api import direct, group_commit, idempotency, json_body
from atom.api.auth import ApiRequest
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


@direct.post(
    router,
    "/webhooks/",
    "flows/{int:flow_id}",
    scope="flows:start",
    headers={"idempotency_key": idempotency.ENVIRON_NAME},
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
    openapi_extra=request_body(FlowRunIn),
)
def start_flow(
    request: ApiRequest,
    flow_id: int,
    idempotency_key: idempotency.KeyHeader = None,
) -> HttpResponse:
    flow = known_flow(flow_id, request.company_id)
    key = idempotency.parse_key(idempotency_key)
    body = json_body.read(request)
    data, problems = json_body.check(FlowRunIn, body.data)
    problems += check_variables(flow, body.data.get("variables"))
    if data is None or problems:
        raise json_body.invalid(problems)
    run = FlowRun(
        company_id=request.company_id,
        flow=flow,
        phone_number=data.phone_number,
        variables=data.variables,
    )
    return group_commit.answer(request, idempotency.intake(request, key, body.raw, run), accepted)


# 202 and the run just stored, or 200 and the run an earlier request with its key stored.
accepted = direct.stored_answer("atom-api:flow_run", "run_id", "runId")
