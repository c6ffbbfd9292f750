"""Server-rendered pages: the dashboard frame and the workspace wizard."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from djdesk_inspector import conf, scans, status
from djdesk_inspector.forms import WorkspaceForm
from djdesk_inspector.models import ScanKind, Workspace


@require_http_methods(["GET"])
def dashboard(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    workspaces = list(Workspace.objects.all())
    if slug is None and workspaces:
        return redirect("djdesk_inspector:workspace", slug=workspaces[0].slug)
    current = next((w for w in workspaces if w.slug == slug), None)
    if slug is not None and current is None:
        raise Http404("No such workspace.")
    payload = status.build(current) if current else None
    return render(
        request,
        "djdesk_inspector/dashboard.html",
        {
            "workspaces": workspaces,
            "current": current,
            "payload": payload,
            "status_url": reverse("djdesk_inspector:api-status", args=[current.slug])
            if current
            else "",
            "models_url": reverse("djdesk_inspector:api-models", args=[current.slug, "-"])[:-2]
            if current
            else "",
            "poll_interval": conf.get().POLL_INTERVAL_MS,
        },
    )


@require_http_methods(["GET", "POST"])
def wizard(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = form.save()
        except ValidationError:
            pass
        else:
            return redirect("djdesk_inspector:workspace", slug=workspace.slug)
    code = 400 if request.method == "POST" else 200
    return render(request, "djdesk_inspector/wizard.html", {"form": form}, status=code)


@require_POST
def rescan(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        workspace = Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist as exc:
        raise Http404("No such workspace.") from exc
    kind = request.POST.get("kind") or ScanKind.AUTO
    if kind not in ScanKind.values:
        return HttpResponseBadRequest(
            f"Unknown scan kind; choose one of {', '.join(ScanKind.values)}."
        )
    scans.request_scan(workspace, kind)
    return redirect("djdesk_inspector:workspace", slug=slug)
