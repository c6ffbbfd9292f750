"""OpenAPI operations of the data lab (the URLconf test keeps this in sync)."""

from __future__ import annotations

from djdesk_inspector.kernel.openapi import (
    BOOLEAN,
    INTEGER,
    NULLABLE_STRING,
    STRING,
    Operation,
    array_of,
    obj,
)

EXPORT = "/api/workspaces/{slug}/exports/{export_id}/"
EXPORT_PARAMETERS = ("slug", "export_id")

# What exports.export_json and NotebookTemplate.as_json answer.
EXPORT_JSON = obj(
    {
        "id": STRING,
        "workspace": STRING,
        "template": STRING,
        "version": INTEGER,
        "status": STRING,
        "progress": INTEGER,
        "urls": obj({"self": STRING}),
    },
    execute=BOOLEAN,
    files={"type": "array"},
    error=STRING,
    notebook_name=STRING,
    finished_at=NULLABLE_STRING,
)
TEMPLATE = obj(
    {"slug": STRING, "title": STRING, "available": BOOLEAN},
    unavailable_reason=NULLABLE_STRING,
)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/api/datalab/templates/",
        "get",
        "listNotebookTemplates",
        "Notebook templates: slug, title, description, tags, and why one is unavailable.",
        {"200": "Templates"},
        success=obj({"templates": array_of(TEMPLATE)}),
    ),
    Operation(
        "/api/workspaces/{slug}/exports/",
        "get",
        "listExports",
        "The workspace's exports, newest first.",
        {"200": "Exports", "400": "Bad limit", "404": "Unknown slug"},
        parameters=("slug",),
        query=(("limit", "integer"),),
        success=obj(
            {
                "exports": array_of(EXPORT_JSON),
                "execution": obj({"available": BOOLEAN}, reason=NULLABLE_STRING),
            }
        ),
    ),
    Operation(
        "/api/workspaces/{slug}/exports/",
        "post",
        "requestExport",
        "Export the latest snapshot with a template, as a new version; runs as a task.",
        {
            "202": "Export accepted",
            "400": "Unknown or unavailable template, or bad execute flag",
            "403": "CSRF failure",
            "404": "Unknown slug",
            "409": "The workspace has no snapshot yet",
        },
        parameters=("slug",),
        request_body={
            "type": "object",
            "required": ["template"],
            "properties": {
                "template": {"type": "string"},
                "execute": {
                    "type": "boolean",
                    "description": "false skips running the notebook (default: run it when possible)",
                },
            },
        },
        success=EXPORT_JSON,
    ),
    Operation(
        EXPORT,
        "get",
        "getExport",
        "One export: status, progress, execution outcome, files and URLs.",
        {"200": "Export", "404": "Unknown slug or export id"},
        parameters=EXPORT_PARAMETERS,
        success=EXPORT_JSON,
    ),
    Operation(
        EXPORT,
        "delete",
        "deleteExport",
        "Delete an export's files and its record.",
        {
            "204": "Deleted",
            "403": "CSRF failure",
            "404": "Unknown slug or export id",
            "409": "The export is running",
        },
        parameters=EXPORT_PARAMETERS,
    ),
    Operation(
        EXPORT + "notebook.ipynb",
        "get",
        "downloadExportNotebook",
        "The notebook, as an .ipynb attachment.",
        {"200": "application/x-ipynb+json", "404": "Unknown export", "409": "Not finished"},
        parameters=EXPORT_PARAMETERS,
        media=(("200", "application/x-ipynb+json"),),
    ),
    Operation(
        EXPORT + "export.zip",
        "get",
        "downloadExportZip",
        "The notebook with its data files, as a .zip attachment.",
        {"200": "application/zip", "404": "Unknown export", "409": "Not finished"},
        parameters=EXPORT_PARAMETERS,
        media=(("200", "application/zip"),),
    ),
    Operation(
        EXPORT + "preview/",
        "get",
        "previewExport",
        "The notebook as an HTML page for a sandboxed iframe, under a no-script CSP.",
        {"200": "text/html", "404": "Unknown export", "409": "Not finished"},
        parameters=EXPORT_PARAMETERS,
        media=(("200", "text/html"),),
    ),
)
