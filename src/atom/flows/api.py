"""GET /api/v1/flows..., /api/v1/flow-runs/{run_id}: what a company's flows and runs look like."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from atom.api.auth import ApiRequest, company_token, requires
from atom.api.errors import READ_ERRORS
from atom.api.pagination import Pages
from atom.flows.models import Flow, FlowRun
from atom.flows.schemas import FlowOut, FlowRunOut

router = Router(tags=["Flows"], auth=company_token)


@router.get(
    "flows",
    response={200: list[FlowOut], **READ_ERRORS},
    by_alias=True,
    summary="List your flows",
    **requires("flows:read"),
)
@paginate(Pages)
def list_flows(request: ApiRequest):
    return Flow.objects.filter(company_id=request.company_id).order_by("id")


@router.get(
    "flows/{int:flow_id}",
    response={200: FlowOut, **READ_ERRORS},
    by_alias=True,
    summary="Get a flow",
    **requires("flows:read"),
)
def get_flow(request: ApiRequest, flow_id: int):
    return get_object_or_404(Flow, id=flow_id, company_id=request.company_id)


@router.get(
    "flows/{int:flow_id}/runs",
    response={200: list[FlowRunOut], **READ_ERRORS},
    by_alias=True,
    summary="List a flow's runs, newest first",
    **requires("flow-runs:read"),
)
@paginate(Pages)
def list_runs(request: ApiRequest, flow_id: int):
    flow = get_object_or_404(Flow, id=flow_id, company_id=request.company_id)
    return FlowRun.objects.filter(flow=flow, company_id=request.company_id).order_by("-id")


@router.get(
    "flow-runs/{int:run_id}",
    response={200: FlowRunOut, **READ_ERRORS},
    by_alias=True,
    url_name="flow_run",
    summary="Get a flow run and its status",
    **requires("flow-runs:read"),
)
def get_run(request: ApiRequest, run_id: int):
    return get_object_or_404(FlowRun, id=run_id, company_id=request.company_id)
