"""JSON API plumbing: every answer, error or not, is JSON with the right status."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

View = Callable[..., HttpResponse]


class ApiError(Exception):
    """Raised by services and views; becomes ``{"errors": {...}}`` with ``status``."""

    def __init__(self, status: int, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.status = status
        self.errors = errors


def error_response(status: int, errors: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def form_errors(form: Any) -> dict[str, list[str]]:
    """A form's errors in the API's one shape: field -> list of messages."""
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, {"__all__": [f"No such {what}."]})


def read_json(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 that says what is wrong."""
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded" or content_type.startswith("multipart/"):
        return {key: request.POST.get(key) for key in request.POST}
    try:
        body = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, {"__all__": [f"Body is not valid JSON: {exc}"]}) from exc
    if not isinstance(body, dict):
        raise ApiError(400, {"__all__": ["Body must be a JSON object."]})
    return body


def api(*methods: str) -> Callable[[View], View]:
    """Allow only ``methods``; turn :class:`ApiError` into a JSON error response."""
    allowed = frozenset(m.upper() for m in methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error_response(
                    405, {"__all__": [f"Method {request.method} not allowed."]}
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error_response(exc.status, exc.errors)

        return wrapper

    return decorate
