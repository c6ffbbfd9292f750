"""Thin JSON views: parse, call a service, serialise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse

from djdesk_inspector import scans, status
from djdesk_inspector.forms import WorkspaceForm
from djdesk_inspector.kernel.jsonapi import ApiError, api, form_errors, not_found, read_json
from djdesk_inspector.models import ScanKind, Snapshot, Workspace


@api("GET", "POST")
def workspaces(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse(
            {"workspaces": [status.workspace_json(w) for w in Workspace.objects.all()]}
        )
    form = WorkspaceForm(read_json(request))
    if not form.is_valid():
        raise ApiError(400, form_errors(form))
    try:
        workspace = form.save()
    except ValidationError as exc:
        raise ApiError(400, form_errors(form)) from exc
    return JsonResponse(status.workspace_json(workspace), status=201)


def _workspace(slug: str) -> Workspace:
    try:
        return Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist as exc:
        raise not_found("workspace") from exc


@api("GET")
def workspace_status(request: HttpRequest, slug: str) -> HttpResponse:
    body = status.encode(status.build(_workspace(slug)))
    tag = status.etag(body)
    if tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = "no-cache"
    return response


@api("POST")
def workspace_scans(request: HttpRequest, slug: str) -> JsonResponse:
    workspace = _workspace(slug)
    kind = read_json(request).get("kind") or ScanKind.AUTO
    if kind not in ScanKind.values:
        raise ApiError(400, {"kind": [f"Choose one of {', '.join(ScanKind.values)}."]})
    scan = scans.request_scan(workspace, kind)
    return JsonResponse(status.scan_json(scan), status=202)


@api("GET")
def workspace_model(request: HttpRequest, slug: str, label: str) -> JsonResponse:
    """One model's fields from the latest snapshot (kept out of the polled payload)."""
    snapshot = Snapshot.objects.filter(workspace=_workspace(slug)).order_by("-id").first()
    models = snapshot.data.get("models", []) if snapshot else []
    model = next((m for m in models if m.get("label") == label), None)
    if model is None:
        raise not_found("model")
    return JsonResponse(model)


@api("GET", "DELETE")
def workspace_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(slug)
    if request.method == "DELETE":
        workspace.delete()
        return HttpResponse(status=204)
    return JsonResponse(status.workspace_json(workspace))
