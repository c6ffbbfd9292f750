"""The offline docs view: a thin wrapper around :mod:`djdesk_inspector.docs.serving`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from djdesk_inspector.docs import conf, csp, framing, serving
from djdesk_inspector.kernel import chrome, permissions


@permissions.page("docs")
@require_safe
@xframe_options_sameorigin
def page(request: HttpRequest, path: str = "") -> HttpResponseBase:
    root = conf.bundle_dir()
    if not path and serving.locate(root, "") is None:
        response = render(
            request,
            "djdesk_docs/missing.html",
            {
                "bundle_dir": root if settings.DEBUG else None,
                "online_url": conf.get().ONLINE_BASE_URL,
                "chrome": chrome.header(request),
                "chrome_icon": chrome.ICON,
            },
            status=404,
        )
        response.headers["Content-Security-Policy"] = csp.policy()
        return response
    return serving.serve(request, root, path, framing.decorator(request))
