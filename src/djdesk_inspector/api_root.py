"""Endpoints that exist whichever djdesk apps are installed (no model imports here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views.csrf import csrf_failure as django_csrf_failure

from djdesk_inspector.kernel import openapi, permissions
from djdesk_inspector.kernel.jsonapi import api, error_response, not_found

OPENAPI_NAME = "djdesk-openapi"
OPENAPI_FILE = "openapi.json"


def api_prefix() -> str | None:
    """Where djdesk's API is mounted (e.g. ``/djdesk/api/``), or None when it is not."""
    try:
        document = reverse(OPENAPI_NAME)
    except NoReverseMatch:
        return None
    return document.removesuffix(OPENAPI_FILE) if document.endswith(OPENAPI_FILE) else None


@permissions.api_any
@api("GET")
def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


@permissions.api_any
@api("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    """A 404 only for a caller allowed something: to anyone else, every path under
    ``api/`` answers the same 403, so which endpoints exist does not leak."""
    raise not_found("endpoint")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: JSON for djdesk's API, Django's own page everywhere else
    (the host's own ``/api/`` paths included: their clients expect the host's answer)."""
    prefix = api_prefix()
    if prefix is not None and request.path.startswith(prefix):
        return error_response(403, {"__all__": [f"CSRF check failed: {reason}"]})
    return django_csrf_failure(request, reason=reason)
