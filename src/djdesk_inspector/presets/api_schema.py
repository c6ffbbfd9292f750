"""OpenAPI operations of the presets app (the URLconf test keeps this in sync)."""

from __future__ import annotations

from djdesk_inspector.kernel.openapi import (
    BOOLEAN,
    INTEGER,
    STRING,
    Operation,
    array_of,
    obj,
)

TARGET_QUERY = (("target", "string"), ("workspace", "string"))

# What runs.summary_json, runs.run_json, runs.log_delta and runs.list_presets answer.
RUN_SUMMARY = obj(
    {"id": INTEGER, "preset": STRING, "target": STRING, "status": STRING, "done": BOOLEAN},
    progress=INTEGER,
    line_count=INTEGER,
    truncated=BOOLEAN,
)
RUN = obj(
    {
        "id": INTEGER,
        "status": STRING,
        "done": BOOLEAN,
        "argv": array_of(STRING),
        "urls": obj({"self": STRING, "log": STRING, "cancel": STRING}),
    },
    error=STRING,
    timeout=INTEGER,
)
LOG_DELTA = obj(
    {
        "id": INTEGER,
        "status": STRING,
        "lines": {"type": "array"},
        "next_after": INTEGER,
        "done": BOOLEAN,
    },
    truncated=BOOLEAN,
)
PRESETS = obj(
    {
        "presets": array_of(obj({"key": STRING, "label": STRING, "category": STRING})),
        "categories": array_of(STRING),
        "targets": {"type": "array"},
    },
)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/api/presets/",
        "get",
        "listPresets",
        "Presets with their argument schemas; choices filled in for ?target= or ?workspace=.",
        {"200": "Presets, categories and targets", "400": "Unknown target"},
        query=TARGET_QUERY,
        success=PRESETS,
    ),
    Operation(
        "/api/task-runs/",
        "get",
        "listTaskRuns",
        "Recent runs, newest first (optionally of one target).",
        {"200": "Runs"},
        query=TARGET_QUERY,
        success=obj({"runs": array_of(RUN_SUMMARY)}),
    ),
    Operation(
        "/api/task-runs/",
        "post",
        "requestTaskRun",
        "Validate a preset, its arguments and confirmation, then enqueue a run.",
        {"202": "Run accepted", "400": "Invalid preset, target or arguments", "403": "CSRF"},
        request_body={
            "type": "object",
            "required": ["preset"],
            "properties": {
                "target": {"type": "string", "description": "host or workspace:<slug>"},
                "workspace": {"type": "string", "description": "shorthand for a workspace"},
                "preset": {"type": "string"},
                "args": {"type": "object"},
                "confirm": {"type": "boolean"},
            },
        },
        success=RUN,
    ),
    Operation(
        "/api/task-runs/{run_id}/",
        "get",
        "getTaskRun",
        "One run: status, outcome, timings and its command line.",
        {"200": "Run", "404": "Unknown run"},
        parameters=("run_id",),
        success=RUN,
    ),
    Operation(
        "/api/task-runs/{run_id}/log/",
        "get",
        "getTaskRunLog",
        "Log lines with seq > after, plus next_after and done.",
        {"200": "Log delta", "400": "Bad after or limit", "404": "Unknown run"},
        parameters=("run_id",),
        query=(("after", "integer"), ("limit", "integer")),
        success=LOG_DELTA,
    ),
    Operation(
        "/api/task-runs/{run_id}/cancel/",
        "post",
        "cancelTaskRun",
        "Cancel a run; its whole process tree is killed.",
        {"200": "Run", "404": "Unknown run", "409": "Already finished", "403": "CSRF"},
        parameters=("run_id",),
        success=RUN,
    ),
)
