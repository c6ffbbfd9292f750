"""The inspector's API operations, for the OpenAPI document (:mod:`djdesk_inspector.kernel.openapi`)."""

from __future__ import annotations

from djdesk_inspector.kernel.openapi import Operation

OPERATIONS: tuple[Operation, ...] = (
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
