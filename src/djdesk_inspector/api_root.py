"""Endpoints that exist whichever djdesk apps are installed (no model imports here)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from djdesk_inspector import openapi
from djdesk_inspector.jsonapi import api, not_found


@api("GET")
def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


@api("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    raise not_found("endpoint")
