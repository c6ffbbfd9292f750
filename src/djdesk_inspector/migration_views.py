"""Thin JSON views for "before you migrate": the plan's SQL, rehearsals, schema history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from djdesk_inspector import rehearsals
from djdesk_inspector.api_views import workspace_or_404
from djdesk_inspector.inspection import mermaid, schema_diff
from djdesk_inspector.kernel import permissions
from djdesk_inspector.kernel.jsonapi import ApiError, api, not_found, read_json
from djdesk_inspector.models import Snapshot, Workspace


def _snapshot(workspace: Workspace, key: Any, name: str) -> Snapshot:
    """Snapshot ``key`` of ``workspace`` (``None``: the latest)."""
    rows = Snapshot.objects.filter(workspace=workspace).order_by("-id")
    if key in (None, ""):
        found = rows.first()
    else:
        if not isinstance(key, str) or not key.isdigit() or len(key) > 18:
            raise ApiError(400, {name: ["Give a snapshot id."]})
        found = rows.filter(pk=int(key)).first()
    if found is None:
        raise not_found("snapshot")
    return found


@permissions.api("view")
@api("GET")
def plan(request: HttpRequest, slug: str) -> JsonResponse:
    """The latest snapshot's pending migrations with their SQL (kept out of the poll)."""
    snapshot = _snapshot(workspace_or_404(slug), request.GET.get("snapshot"), "snapshot")
    migrations = snapshot.data.get("migrations") or {}
    return JsonResponse(
        {
            "snapshot": snapshot.pk,
            "plan": migrations.get("plan"),
            "unknown": (snapshot.data.get("unknown") or {}).get("migrations.plan"),
            "lint": snapshot.data.get("migration_lint"),
        }
    )


@permissions.api("view")
@api("GET")
def diff(request: HttpRequest, slug: str) -> JsonResponse:
    """Schema changes between two snapshots (default: the latest and the one before)."""
    workspace = workspace_or_404(slug)
    newer = _snapshot(workspace, request.GET.get("to"), "to")
    if request.GET.get("from"):
        older = _snapshot(workspace, request.GET.get("from"), "from")
    else:
        previous: Snapshot | None = (
            Snapshot.objects.filter(workspace=workspace, id__lt=newer.pk).order_by("-id").first()
        )
        if previous is None:
            raise ApiError(404, {"from": ["There is no earlier snapshot to compare with."]})
        older = previous
    result = schema_diff.diff(older.data, newer.data)
    return JsonResponse({"from_snapshot": older.pk, "to_snapshot": newer.pk, **result})


@permissions.api("view")
@api("GET")
def er_diagram(request: HttpRequest, slug: str) -> HttpResponse:
    """The snapshot's schema as a Mermaid ``erDiagram`` (text, for docs and PRs)."""
    workspace = workspace_or_404(slug)
    snapshot = _snapshot(workspace, request.GET.get("snapshot"), "snapshot")
    response = HttpResponse(mermaid.render(snapshot.data), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workspace.slug}-schema.mmd"'
    return response


@permissions.api("view", POST="scan")
@api("GET", "POST")
def workspace_rehearsals(request: HttpRequest, slug: str) -> JsonResponse:
    workspace = workspace_or_404(slug)
    if request.method == "GET":
        return JsonResponse({"rehearsals": rehearsals.recent(workspace, 20)})
    body = read_json(request)
    row = rehearsals.request(workspace, body.get("database") or "default")
    return JsonResponse(rehearsals.rehearsal_json(row), status=202)


@permissions.api("view")
@api("GET")
def rehearsal_detail(request: HttpRequest, slug: str, rehearsal_id: int) -> JsonResponse:
    row = rehearsals.get(workspace_or_404(slug), rehearsal_id)
    return JsonResponse(rehearsals.rehearsal_json(row))


@permissions.api("scan")
@api("POST")
def rehearsal_cancel(request: HttpRequest, slug: str, rehearsal_id: int) -> JsonResponse:
    row = rehearsals.cancel(rehearsals.get(workspace_or_404(slug), rehearsal_id))
    return JsonResponse(rehearsals.rehearsal_json(row))
