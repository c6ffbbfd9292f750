"""The standalone runs page: the drawer on its own, for projects without the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from djdesk_inspector.kernel import chrome, permissions
from djdesk_inspector.presets import targets


@permissions.page("run_preset")
@require_safe
@ensure_csrf_cookie
def runs_page(request: HttpRequest) -> HttpResponse:
    available = targets.available()
    wanted = request.GET.get("target", "")
    keys = [t.key for t in available]
    current = wanted if wanted in keys else (keys[0] if keys else "")
    return render(
        request,
        "djdesk_presets/runs.html",
        {
            "targets": available,
            "current_target": current,
            "chrome": chrome.header(request),
            "chrome_icon": chrome.ICON,
        },
    )
