"""The standalone exports page: the panel on its own, for one workspace at a time."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from djdesk_inspector.kernel import chrome, permissions
from djdesk_inspector.models import Workspace


@permissions.page("view")
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    first = Workspace.objects.order_by("name", "id").first()
    if first is not None:
        return redirect("djdesk_datalab:workspace", slug=first.slug)
    context: dict[str, Any] = {"workspaces": [], "current": None, "chrome": chrome.header(request)}
    return render(request, "djdesk_datalab/page.html", context)


@permissions.page("view")
@require_safe
@ensure_csrf_cookie
def workspace_page(request: HttpRequest, slug: str) -> HttpResponse:
    workspaces = list(Workspace.objects.order_by("name", "id"))
    current = next((w for w in workspaces if w.slug == slug), None)
    status = 200 if current else 404
    return render(
        request,
        "djdesk_datalab/page.html",
        {
            "workspaces": workspaces,
            "current": current,
            "chrome": chrome.header(
                request,
                current=slug,
                workspace_url=lambda s: reverse("djdesk_datalab:workspace", args=[s]),
            ),
        },
        status=status,
    )
