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
    extra: dict[str, Any] = field(default_factory=dict)


OPERATIONS: tuple[Operation, ...] = (
    Operation("/api/openapi.json", "get", "getOpenApi", "This document.", {"200": "OpenAPI 3.1"}),
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
    responses = {
        code: {"description": text}
        | ({"content": {"application/json": {"schema": ERRORS}}} if code.startswith("4") else {})
        for code, text in op.responses.items()
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
