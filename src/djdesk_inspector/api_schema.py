"""The inspector's API operations, for the OpenAPI document (:mod:`djdesk_inspector.kernel.openapi`)."""

from __future__ import annotations

from djdesk_inspector.kernel.openapi import (
    INTEGER,
    NULLABLE_STRING,
    STRING,
    Operation,
    array_of,
    obj,
)

# What status.workspace_json and status.scan_json answer (the keys clients rely on).
WORKSPACE = obj(
    {"slug": STRING, "name": STRING, "project_path": STRING, "created_at": STRING},
    interpreter_path=STRING,
    settings_module=STRING,
    updated_at=STRING,
)
SCAN = obj(
    {"id": INTEGER, "kind": STRING, "status": STRING, "progress": INTEGER},
    progress_message=STRING,
    error=STRING,
    created_at=STRING,
    started_at=NULLABLE_STRING,
    finished_at=NULLABLE_STRING,
)
STATUS = obj(
    {"workspace": WORKSPACE, "scans": array_of(SCAN)},
    insights={"type": "array"},
    active_scan={"oneOf": [SCAN, {"type": "null"}]},
)
MODEL = obj({"label": STRING}, fields={"type": "array"})
REHEARSAL = obj(
    {"id": INTEGER, "status": STRING, "database": STRING, "done": {"type": "boolean"}},
    progress=INTEGER,
    progress_message=STRING,
    error=STRING,
    report={"type": ["object", "null"]},
)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/api/workspaces/",
        "get",
        "listWorkspaces",
        "List registered workspaces.",
        {"200": "Workspaces"},
        success=obj({"workspaces": array_of(WORKSPACE)}),
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
                "env_file": {
                    "type": "string",
                    "description": "Path of a dotenv file (relative to the project); "
                    "only the path is stored.",
                },
                "pass_env": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Names of variables passed through from djdesk's environment.",
                },
                "trust": {
                    "type": "boolean",
                    "description": "Trust the project now: live scans, presets and "
                    "notebook runs execute its code. Needs the trust permission.",
                },
            },
        },
        success=WORKSPACE,
    ),
    Operation(
        "/api/workspaces/{slug}/",
        "get",
        "getWorkspace",
        "One workspace.",
        {"200": "Workspace", "404": "Unknown slug"},
        parameters=("slug",),
        success=WORKSPACE,
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
        success=STATUS,
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
        success=SCAN,
    ),
    Operation(
        "/api/workspaces/{slug}/trust/",
        "post",
        "trustWorkspace",
        "Trust the workspace: its code may run (live scans, presets, notebook runs). "
        "Records who and when.",
        {"200": "Workspace", "403": "Not allowed to trust", "404": "Unknown slug"},
        parameters=("slug",),
        success=WORKSPACE,
    ),
    Operation(
        "/api/workspaces/{slug}/trust/",
        "delete",
        "revokeWorkspaceTrust",
        "Revoke trust: from now on the workspace is only read (static scans).",
        {"200": "Workspace", "403": "Not allowed to trust", "404": "Unknown slug"},
        parameters=("slug",),
        success=WORKSPACE,
    ),
    Operation(
        "/api/workspaces/{slug}/models/{label}/",
        "get",
        "getModel",
        "One model's fields and relations from the latest snapshot.",
        {"200": "Model", "404": "Unknown slug, or no such model"},
        parameters=("slug", "label"),
        success=MODEL,
    ),
    Operation(
        "/api/workspaces/{slug}/plan/",
        "get",
        "getMigrationPlan",
        "Pending migrations with their SQL, and the migration lint, from a snapshot.",
        {"200": "Plan", "400": "Bad snapshot id", "404": "Unknown slug or snapshot"},
        parameters=("slug",),
        query=(("snapshot", "string"),),
        success=obj({"snapshot": INTEGER}, plan={"type": ["array", "null"]}),
    ),
    Operation(
        "/api/workspaces/{slug}/diff/",
        "get",
        "getSchemaDiff",
        "Models, fields and relations changed between two snapshots.",
        {"200": "Diff", "400": "Bad snapshot id", "404": "Unknown slug or snapshot"},
        parameters=("slug",),
        query=(("from", "string"), ("to", "string")),
        success=obj(
            {"from_snapshot": INTEGER, "to_snapshot": INTEGER, "models": {"type": "object"}}
        ),
    ),
    Operation(
        "/api/workspaces/{slug}/schema.mmd",
        "get",
        "getMermaidDiagram",
        "The schema as a Mermaid erDiagram.",
        {"200": "Mermaid text", "400": "Bad snapshot id", "404": "Unknown slug or snapshot"},
        parameters=("slug",),
        query=(("snapshot", "string"),),
        media=(("200", "text/plain"),),
    ),
    Operation(
        "/api/workspaces/{slug}/rehearsals/",
        "get",
        "listRehearsals",
        "Recent migration rehearsals with their reports.",
        {"200": "Rehearsals", "404": "Unknown slug"},
        parameters=("slug",),
        success=obj({"rehearsals": array_of(REHEARSAL)}),
    ),
    Operation(
        "/api/workspaces/{slug}/rehearsals/",
        "post",
        "requestRehearsal",
        "Rehearse the pending migrations on a copy of the database (trusted workspaces).",
        {
            "202": "Rehearsal accepted",
            "400": "Invalid database",
            "404": "Unknown slug",
            "409": "The workspace is not trusted",
        },
        parameters=("slug",),
        request_body={"type": "object", "properties": {"database": {"type": "string"}}},
        body_required=False,
        success=REHEARSAL,
    ),
    Operation(
        "/api/workspaces/{slug}/rehearsals/{rehearsal_id}/",
        "get",
        "getRehearsal",
        "One rehearsal with its report.",
        {"200": "Rehearsal", "404": "Unknown slug or rehearsal"},
        parameters=("slug", "rehearsal_id"),
        success=REHEARSAL,
    ),
    Operation(
        "/api/workspaces/{slug}/rehearsals/{rehearsal_id}/cancel/",
        "post",
        "cancelRehearsal",
        "Cancel a rehearsal: a queued one at once, a running one within a poll.",
        {"200": "Rehearsal", "404": "Unknown slug or rehearsal", "409": "Already ended"},
        parameters=("slug", "rehearsal_id"),
        body_required=False,
        success=REHEARSAL,
    ),
)
