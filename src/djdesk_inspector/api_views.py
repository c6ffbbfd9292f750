"""Thin JSON views: parse, call a service, serialise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse

from djdesk_inspector import scans, status, trust
from djdesk_inspector.forms import WorkspaceForm
from djdesk_inspector.kernel import permissions
from djdesk_inspector.kernel.jsonapi import ApiError, api, form_errors, not_found, read_json
from djdesk_inspector.models import ScanKind, Snapshot, Workspace


@permissions.api("view", POST="scan")
@api("GET", "POST")
def workspaces(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse(
            {"workspaces": [status.workspace_json(w) for w in Workspace.objects.all()]}
        )
    body = read_json(request)
    permissions.require_fields(request, body)
    if body.get("trust") is True and not permissions.allowed(request, "trust"):
        raise ApiError(403, {"trust": [permissions.denial("trust")]})
    form = WorkspaceForm(body)
    if not form.is_valid():
        raise ApiError(400, form_errors(form))
    try:
        workspace = form.save(trusted_by=trust.actor(request) or "api")
    except ValidationError as exc:
        raise ApiError(400, form_errors(form)) from exc
    return JsonResponse(status.workspace_json(workspace), status=201)


def workspace_or_404(slug: str) -> Workspace:
    try:
        return Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist as exc:
        raise not_found("workspace") from exc


@permissions.api("view")
@api("GET")
def workspace_status(request: HttpRequest, slug: str) -> HttpResponse:
    body = status.encode(status.build(workspace_or_404(slug)))
    tag = status.etag(body)
    if tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = "no-cache"
    return response


@permissions.api("scan")
@api("POST")
def workspace_scans(request: HttpRequest, slug: str) -> JsonResponse:
    workspace = workspace_or_404(slug)
    kind = read_json(request).get("kind") or ScanKind.AUTO
    if kind not in ScanKind.values:
        raise ApiError(400, {"kind": [f"Choose one of {', '.join(ScanKind.values)}."]})
    scan = scans.request_scan(workspace, kind)
    return JsonResponse(status.scan_json(scan), status=202)


@permissions.api("view")
@api("GET")
def workspace_model(request: HttpRequest, slug: str, label: str) -> JsonResponse:
    """One model's fields from the latest snapshot (kept out of the polled payload)."""
    snapshot = Snapshot.objects.filter(workspace=workspace_or_404(slug)).order_by("-id").first()
    models = snapshot.data.get("models", []) if snapshot else []
    model = next((m for m in models if m.get("label") == label), None)
    if model is None:
        raise not_found("model")
    return JsonResponse(model)


@permissions.api("view", DELETE="delete")
@api("GET", "DELETE")
def workspace_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = workspace_or_404(slug)
    if request.method == "DELETE":
        workspace.delete()
        return HttpResponse(status=204)
    return JsonResponse(status.workspace_json(workspace))


@permissions.api("trust")
@api("POST", "DELETE")
def workspace_trust(request: HttpRequest, slug: str) -> JsonResponse:
    """POST trusts the workspace (recording who and when); DELETE revokes it."""
    workspace = workspace_or_404(slug)
    if request.method == "POST":
        trust.grant(workspace, trust.actor(request) or "api")
    else:
        trust.revoke(workspace)
    return JsonResponse(status.workspace_json(workspace))
