"""The OpenAPI 3.1 document for every djdesk endpoint that is installed.

Each app declares its operations in one table (``OPERATIONS`` here, ``api_schema.py``
in the sibling apps); a test walks the URLconf to keep the two in sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from djdesk_inspector import __version__
from djdesk_inspector.mounts import installed_label

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

INSPECTOR_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/api/workspaces/",
        "get",
        "listWorkspaces",
        "List registered workspaces.",
        {"200": "Workspaces"},
    ),
    Operation(
        "/api/workspaces/",
        "post",
        "createWorkspace",
        "Register a Django project folder as a workspace.",
        {"201": "Created", "400": "Invalid input", "403": "CSRF failure"},
        request_body={
            "type": "object",
            "required": ["project_path"],
            "properties": {
                "project_path": {"type": "string"},
                "name": {"type": "string"},
                "interpreter_path": {"type": "string"},
            },
        },
    ),
    Operation(
        "/api/workspaces/{slug}/",
        "get",
        "getWorkspace",
        "One workspace.",
        {"200": "Workspace", "404": "Unknown slug"},
        parameters=("slug",),
    ),
    Operation(
        "/api/workspaces/{slug}/",
        "delete",
        "deleteWorkspace",
        "Forget a workspace and its history (the folder on disk is untouched).",
        {"204": "Deleted", "404": "Unknown slug"},
        parameters=("slug",),
    ),
    Operation(
        "/api/workspaces/{slug}/status/",
        "get",
        "getWorkspaceStatus",
        "Everything the dashboard shows, in one payload, with an ETag.",
        {"200": "Status payload", "304": "Unchanged since If-None-Match", "404": "Unknown slug"},
        parameters=("slug",),
    ),
    Operation(
        "/api/workspaces/{slug}/scans/",
        "post",
        "requestScan",
        "Start a scan, or return the one already running.",
        {"202": "Scan accepted", "400": "Invalid kind", "404": "Unknown slug"},
        parameters=("slug",),
        request_body={
            "type": "object",
            "properties": {"kind": {"type": "string", "enum": ["auto", "live", "static"]}},
        },
        body_required=False,
    ),
    Operation(
        "/api/workspaces/{slug}/models/{label}/",
        "get",
        "getModel",
        "One model's fields and relations from the latest snapshot.",
        {"200": "Model", "404": "Unknown slug, or no such model"},
        parameters=("slug", "label"),
    ),
)

# Sibling apps declare their operations in a module-level ``OPERATIONS`` tuple.
APP_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("djdesk_inspector", "djdesk_inspector.openapi.INSPECTOR_OPERATIONS"),
    ("djdesk_presets", "djdesk_inspector.presets.api_schema.OPERATIONS"),
    ("djdesk_datalab", "djdesk_inspector.datalab.api_schema.OPERATIONS"),
)


def installed_operations() -> list[Operation]:
    operations = list(OPERATIONS)
    for label, dotted in APP_OPERATIONS:
        if installed_label(label):
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
