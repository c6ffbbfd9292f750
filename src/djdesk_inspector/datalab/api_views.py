"""Thin JSON views: parse, call a service in ``exports``, serialise."""

from __future__ import annotations

from typing import TypeVar

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_sameorigin

from djdesk_inspector.datalab import exports, preview, registry
from djdesk_inspector.kernel import permissions
from djdesk_inspector.kernel.jsonapi import ApiError, api, read_json

MAX_LIST = 500

R = TypeVar("R", bound=HttpResponseBase)


@permissions.api("view")
@api("GET")
def templates(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"templates": [t.as_json() for t in registry.all_templates()]})


@permissions.api("view", POST="export")
@api("GET", "POST")
def workspace_exports(request: HttpRequest, slug: str) -> JsonResponse:
    workspace = exports.get_workspace(slug)
    if request.method == "POST":
        body = read_json(request)
        export = exports.request_export(workspace, body.get("template"), body.get("execute"))
        return JsonResponse(exports.export_json(export, workspace.slug), status=202)
    raw = request.GET.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIST:
        raise ApiError(400, {"limit": [f"Must be an integer from 1 to {MAX_LIST}."]})
    reason = exports.execution_refusal(workspace)
    return JsonResponse(
        {
            "exports": exports.recent(workspace, int(raw)),
            "execution": {"available": not reason, "reason": reason or None},
        }
    )


@permissions.api("view", DELETE="delete")
@api("GET", "DELETE")
def export_detail(request: HttpRequest, slug: str, export_id: str) -> HttpResponse:
    workspace = exports.get_workspace(slug)
    export = exports.get_export(workspace, export_id)
    if request.method == "DELETE":
        exports.delete_export(workspace, export)
        return HttpResponse(status=204)
    return JsonResponse(exports.export_json(export, workspace.slug))


def _private(response: R) -> R:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@permissions.api("view")
@api("GET")
def export_notebook(request: HttpRequest, slug: str, export_id: str) -> FileResponse:
    workspace = exports.get_workspace(slug)
    export = exports.get_export(workspace, export_id)
    name = exports.notebook_name(export, workspace.slug)
    path = exports.ready_file(workspace, export, name)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type="application/x-ipynb+json"
    )
    return _private(response)


@permissions.api("view")
@api("GET")
def export_zip(request: HttpRequest, slug: str, export_id: str) -> HttpResponse:
    workspace = exports.get_workspace(slug)
    export = exports.get_export(workspace, export_id)
    name = exports.folder_name(export, workspace.slug) + ".zip"
    response = HttpResponse(exports.zip_bytes(workspace, export), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


@permissions.api("view")
@api("GET")
@xframe_options_sameorigin
def export_preview(request: HttpRequest, slug: str, export_id: str) -> HttpResponse:
    """The page shown in the panel's ``<iframe sandbox="">``, under a no-script policy."""
    workspace = exports.get_workspace(slug)
    export = exports.get_export(workspace, export_id)
    name = exports.notebook_name(export, workspace.slug)
    page = preview.render(exports.ready_file(workspace, export, name), name)
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = preview.POLICY
    response["Referrer-Policy"] = "no-referrer"
    return _private(response)
