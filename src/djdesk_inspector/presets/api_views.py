"""Thin JSON views over :mod:`runs`: parse, call the service, serialise."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from djdesk_inspector.kernel import permissions
from djdesk_inspector.kernel.jsonapi import api, read_json
from djdesk_inspector.presets import runs


@permissions.api("run_preset")
@api("GET")
def presets(request: HttpRequest) -> JsonResponse:
    key = runs.target_key(request.GET.get("target"), request.GET.get("workspace"))
    return JsonResponse(runs.list_presets(key or None))


@permissions.api("run_preset")
@api("GET", "POST")
def task_runs(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        key = runs.target_key(request.GET.get("target"), request.GET.get("workspace"))
        return JsonResponse({"runs": runs.recent_runs(key or None)})
    body = read_json(request)
    run = runs.request_run(
        target=runs.target_key(body.get("target"), body.get("workspace")),
        preset=body.get("preset"),
        args=body.get("args"),
        confirm=body.get("confirm", False),
    )
    return JsonResponse(runs.run_json(run), status=202)


@permissions.api("run_preset")
@api("GET")
def task_run(request: HttpRequest, run_id: int) -> JsonResponse:
    return JsonResponse(runs.run_json(runs.get_run(run_id)))


@permissions.api("run_preset")
@api("GET")
def task_run_log(request: HttpRequest, run_id: int) -> JsonResponse:
    delta = runs.log_delta(run_id, request.GET.get("after"), request.GET.get("limit"))
    return JsonResponse(delta)


@permissions.api("run_preset")
@api("POST")
def task_run_cancel(request: HttpRequest, run_id: int) -> JsonResponse:
    return JsonResponse(runs.run_json(runs.cancel_run(run_id)))
