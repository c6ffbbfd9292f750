"""Server-rendered pages: the dashboard frame and the workspace wizard."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from djdesk_inspector import conf, scans, status, trust, workspaces
from djdesk_inspector.forms import WorkspaceForm
from djdesk_inspector.kernel import chrome, permissions
from djdesk_inspector.models import ScanKind, Workspace


@permissions.page("view")
@require_safe
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
            "trust_what_runs": trust.WHAT_RUNS,
            "chrome": chrome.header(request, current=current.slug if current else None),
        },
    )


@permissions.page("scan")
@require_http_methods(["GET", "HEAD", "POST"])
def wizard(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    refused = permissions.refused_fields(request, request.POST)
    if refused:
        for field, messages in refused.items():
            form.add_error(field if field in form.fields else None, messages)
        return render(
            request,
            "djdesk_inspector/wizard.html",
            {"form": form, "chrome": chrome.header(request)},
            status=403,
        )
    if request.POST.get("trust") and not permissions.allowed(request, "trust"):
        form.add_error("trust", permissions.denial("trust"))
        return render(
            request,
            "djdesk_inspector/wizard.html",
            {"form": form, "chrome": chrome.header(request)},
            status=403,
        )
    if request.method == "POST" and form.is_valid():
        offered = workspaces.offered_env_file(form.cleaned_data["project_path"])
        if offered and not form.cleaned_data["env_file"] and not request.POST.get("env_offered"):
            # Offer the project's .env once; clearing the field declines it.
            data = request.POST.copy()
            data["env_file"], data["env_offered"] = ".env", "1"
            context = {
                "form": WorkspaceForm(data),
                "env_offered": offered,
                "chrome": chrome.header(request),
            }
            return render(request, "djdesk_inspector/wizard.html", context)
        try:
            workspace = form.save(trusted_by=trust.actor(request) or "wizard")
        except ValidationError:
            pass
        else:
            return redirect("djdesk_inspector:workspace", slug=workspace.slug)
    # An invalid form is shown again with its errors, as a page (200, Django's way): a
    # 400 document would be logged by the browser as a failed load.
    context = {
        "form": form,
        "env_offered": request.POST.get("env_offered", ""),
        "chrome": chrome.header(request),
    }
    return render(request, "djdesk_inspector/wizard.html", context)


@permissions.page("trust")
@require_POST
def set_trust(request: HttpRequest, slug: str) -> HttpResponse:
    """The dashboard's trust / revoke buttons (``action=trust`` or ``action=revoke``)."""
    try:
        workspace = Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist as exc:
        raise Http404("No such workspace.") from exc
    action = request.POST.get("action")
    if action == "trust":
        trust.grant(workspace, trust.actor(request) or "dashboard")
    elif action == "revoke":
        trust.revoke(workspace)
    else:
        return HttpResponseBadRequest("Choose action=trust or action=revoke.")
    return redirect("djdesk_inspector:workspace", slug=slug)


@permissions.page("scan")
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
