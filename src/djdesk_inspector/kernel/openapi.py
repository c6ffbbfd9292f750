"""The OpenAPI 3.1 document for every djdesk endpoint that is installed.

Each app declares its operations in one table (its ``api_schema.OPERATIONS``) and
names it on its ``AppConfig`` (:mod:`.registry`); a test walks the URLconf to keep
the two in sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from djdesk_inspector import __version__
from djdesk_inspector.kernel import registry

ERRORS = {"$ref": "#/components/schemas/Errors"}
JSON = "application/json"
# Answers with no body at all.
NO_CONTENT = frozenset({"204", "304"})
REFUSED = {
    "403": "The permission callback refused this action (DJDESK_INSPECTOR['PERMISSION_CALLBACK'])"
}
# What any operation that reads a body may answer, whatever its own table says
# (kernel.jsonapi refuses malformed, too deep, too long or invalid-Unicode bodies).
BODY_ERRORS = {
    "400": "Malformed body: not a JSON object, nested too deep, a number too long, "
    "or a string that is not valid Unicode",
    "413": "Body larger than DATA_UPLOAD_MAX_MEMORY_SIZE",
}


@dataclass(frozen=True)
class Operation:
    path: str  # OpenAPI template, relative to the djdesk mount, e.g. "/api/workspaces/{slug}/"
    method: str
    operation_id: str
    summary: str
    responses: dict[str, str]  # status -> description
    parameters: tuple[str, ...] = ()  # path parameters
    query: tuple[tuple[str, str], ...] = ()  # (name, type)
    request_body: dict[str, Any] | None = None
    body_required: bool = True
    # (status, media type) of a success that is not a JSON object (a file, a page).
    media: tuple[tuple[str, str], ...] = ()
    # JSON Schema of the JSON success answer (default: any object); schemathesis checks it.
    success: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/api/openapi.json",
        "get",
        "getOpenApi",
        "This document.",
        {"200": "OpenAPI 3.1"},
        success={
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": {"openapi": {"type": "string"}, "paths": {"type": "object"}},
        },
    ),
)


def installed_operations() -> list[Operation]:
    """This document's own operation, then each installed app's declared table."""
    operations = list(OPERATIONS)
    for dotted in registry.operation_tables():
        operations.extend(import_string(dotted))
    return operations


def _operation_json(op: Operation) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in op.parameters
    ] + [
        {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
        for name, kind in op.query
    ]
    declared = {**BODY_ERRORS, **op.responses} if op.request_body else op.responses
    # Every operation asks the permission callback first (kernel.permissions).
    declared = {**REFUSED, **declared}
    responses = {
        code: {"description": text} | _content(op, code) for code, text in sorted(declared.items())
    }
    body: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "responses": responses,
    }
    if parameters:
        body["parameters"] = parameters
    if op.request_body:
        body["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": op.request_body}},
        }
    return body | op.extra


def _content(op: Operation, code: str) -> dict[str, Any]:
    """Errors are ``Errors`` objects; successes JSON objects unless ``op.media`` says."""
    if code.startswith(("4", "5")):
        return {"content": {JSON: {"schema": ERRORS}}}
    if code in NO_CONTENT:
        return {}
    media = dict(op.media).get(code, JSON)
    if media != JSON:
        return {"content": {media: {}}}
    return {"content": {JSON: {"schema": op.success or {"type": "object"}}}}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """A JSON Schema object with ``required`` keys (name -> schema) and ``optional`` ones.

    Never ``additionalProperties: false``: answers may grow keys without breaking clients.
    """
    return {
        "type": "object",
        "required": sorted(required),
        "properties": required | optional,
    }


def array_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": ["string", "null"]}


def document(prefix: str = "/djdesk") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in installed_operations():
        paths.setdefault(prefix + op.path, {})[op.method] = _operation_json(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "djdesk API", "version": __version__},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {
                "Errors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {},
                            },
                        }
                    },
                }
            }
        },
    }
