"""JSON API plumbing: every answer, error or not, is JSON with the right status.

Bodies are parsed defensively, because a hostile body must be a 400, never a 500:
nesting is limited before the parser recurses, numbers are limited to a length
before Python converts them (``int`` refuses over 4,300 digits with a ValueError),
``NaN``/``Infinity`` are refused, and every string must be encodable as UTF-8
without NUL characters (lone surrogates would raise deep inside a database query).
Request-parsing failures Django raises (too large, too many fields, a broken
multipart body) become JSON too, which needs the CSRF check to run inside the
view wrapper: the middleware reads ``request.POST`` before any view could answer.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_protect

View = Callable[..., HttpResponseBase]


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


MAX_DEPTH = 32  # far below the interpreter's recursion limit, far above any real body
MAX_NUMBER_LENGTH = 64  # characters of one number literal, sign and exponent included

# One pass, no backtracking restarts: a string (closed or running to the end) or a bracket.
_LEXEME = re.compile(r'"[^"\\]*(?:\\(?:.|\Z)[^"\\]*)*(?:"|\Z)|[\[\]{}]', re.DOTALL)


class _Refused(ValueError):
    """A body the limits refuse; the message is shown to the client."""


def _nesting_depth(text: str) -> int:
    """How deep ``text``'s arrays and objects nest (brackets inside strings ignored)."""
    depth = deepest = 0
    for match in _LEXEME.finditer(text):
        lexeme = match.group()
        if lexeme in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif lexeme in "]}":
            depth -= 1
    return deepest


def _number(text: str) -> None:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(f"A number is longer than {MAX_NUMBER_LENGTH} characters.")


def _parse_int(text: str) -> int:
    _number(text)
    return int(text)


def _parse_float(text: str) -> float:
    _number(text)
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("A number is too large to represent.")
    return value


def _parse_constant(text: str) -> Any:
    raise _Refused(f"{text} is not JSON.")


def _check_strings(value: Any) -> None:
    """Every key and string value must be valid UTF-8 (no lone surrogates) without NUL."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _Refused("A string is not valid Unicode (a lone surrogate).") from exc
            if "\x00" in item:
                raise _Refused("A string contains a NUL character.")


def parse_json(raw: bytes) -> Any:
    """``raw`` decoded within the limits above; :class:`ApiError` 400 when refused."""
    try:
        text = raw.decode(json.detect_encoding(raw))
        if _nesting_depth(text) > MAX_DEPTH:
            raise _Refused(f"Arrays and objects nest deeper than {MAX_DEPTH} levels.")
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
        _check_strings(value)
    except _Refused as exc:
        raise ApiError(400, {"__all__": [f"Body refused: {exc}"]}) from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ApiError(400, {"__all__": [f"Body is not valid JSON: {exc}"]}) from exc
    return value


def read_json(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 that says what is wrong."""
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded" or content_type.startswith("multipart/"):
        form = {key: request.POST.get(key) for key in request.POST}
        try:
            _check_strings(form)
        except _Refused as exc:
            raise ApiError(400, {"__all__": [f"Body refused: {exc}"]}) from exc
        return form
    body = parse_json(request.body or b"{}")
    if not isinstance(body, dict):
        raise ApiError(400, {"__all__": ["Body must be a JSON object."]})
    return body


# What Django raises while reading a request, as (exception, status, message); first match.
REQUEST_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (RequestDataTooBig, 413, "The request body is too large."),
    (TooManyFieldsSent, 400, "The request has too many fields."),
    (TooManyFilesSent, 400, "The request has too many files."),
    (MultiPartParserError, 400, "The multipart body is malformed."),
    (BadRequest, 400, "Bad request."),
)
_REQUEST_ERROR_TYPES = tuple(error for error, _status, _message in REQUEST_ERRORS)


def request_error_response(exc: Exception) -> JsonResponse:
    status, message = next((s, m) for e, s, m in REQUEST_ERRORS if isinstance(exc, e))
    return error_response(status, {"__all__": [message]})


@functools.lru_cache(maxsize=8)
def _csrf_middleware_installed(middleware: tuple[str, ...]) -> bool:
    for dotted in middleware:
        try:
            cls = import_string(dotted)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, CsrfViewMiddleware):
            return True
    return False


def _with_csrf(view: View) -> View:
    """``view`` under the project's CSRF check, run here so its parse errors are ours."""
    if getattr(view, "csrf_exempt", False):
        return view
    protected = csrf_protect(view)

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _csrf_middleware_installed(tuple(getattr(settings, "MIDDLEWARE", ()))):
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return checked


def api(*methods: str) -> Callable[[View], View]:
    """Allow only ``methods``; turn :class:`ApiError` into a JSON error response."""
    allowed = frozenset(m.upper() for m in methods)

    def decorate(view: View) -> View:
        checked = _with_csrf(view)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in allowed:
                response = error_response(
                    405, {"__all__": [f"Method {request.method} not allowed."]}
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return checked(request, *args, **kwargs)
            except ApiError as exc:
                return error_response(exc.status, exc.errors)
            except _REQUEST_ERROR_TYPES as exc:
                return request_error_response(exc)

        # The CSRF check runs inside (see _with_csrf), where a body it cannot read
        # still gets a JSON answer; the middleware steps aside for this view.
        wrapper.csrf_exempt = True  # type: ignore[attr-defined]
        return wrapper

    return decorate
