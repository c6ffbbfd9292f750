"""Endpoints that exist whichever djdesk apps are installed (no model imports here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure

from djdesk_inspector.kernel import openapi
from djdesk_inspector.kernel.jsonapi import api, error_response, not_found

API_MARKER = "/api/"


@api("GET")
def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


@api("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    raise not_found("endpoint")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: JSON for djdesk's API, Django's own page everywhere else."""
    if API_MARKER in request.path:
        return error_response(403, {"__all__": [f"CSRF check failed: {reason}"]})
    return django_csrf_failure(request, reason=reason)
