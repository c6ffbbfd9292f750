"""The runtime's own pages: health (for the shell and the offline indicator), the
cookie bootstrap, and an about page that shows where the install keeps its data."""

from __future__ import annotations

import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from djdesk_electron_kit import __version__, runtime
from djdesk_electron_kit.middleware import carries_token, matches
from djdesk_inspector.kernel import chrome, permissions


def safe_next(candidate: str | None) -> str:
    """A local path to go to after the bootstrap; anything else becomes ``/``."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return "/"
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=None):
        return "/"
    return candidate


def health_payload() -> dict[str, object]:
    return {
        "status": "ok",
        "version": __version__,
        "pid": os.getpid(),
        "worker_pid": runtime.STATE.worker_pid,
        "worker_restarts": runtime.STATE.worker_restarts,
    }


@permissions.api("view")
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse(health_payload())


@never_cache
@require_GET
def bootstrap(request: HttpRequest) -> HttpResponse:
    """Trade the launch token in the URL for an HttpOnly cookie, then go to ``next``."""
    token = runtime.expected_token()
    # Checked here too: the cookie's value is the token, never hand it to a stranger.
    if not token or not (matches(request.GET.get("token"), token) or carries_token(request, token)):
        return HttpResponseForbidden("Forbidden: bad bootstrap token.", content_type="text/plain")
    response = redirect(safe_next(request.GET.get("next")))
    response.set_cookie(
        runtime.cookie_name(), token, httponly=True, samesite="Strict", path="/", secure=False
    )
    return response


@permissions.page("view")
@never_cache
@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "djdesk_electron_kit/about.html",
        {
            "health": health_payload(),
            "data_dir": getattr(settings, "DJDESK_DATA_DIR", ""),
            "log_dir": getattr(settings, "DJDESK_LOG_DIR", ""),
            "launched": bool(runtime.expected_token()),
            "chrome": chrome.header(request),
            "chrome_icon": chrome.ICON,
        },
    )
