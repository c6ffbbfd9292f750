"""Requesting and running migration rehearsals of workspaces (jobs of the kernel lifecycle).

A rehearsal runs the project's code (its settings and migrations), so only a trusted
workspace may have one; its report is stored on the row, its real database is never
written (:mod:`djdesk_inspector.inspection.rehearsal`). A cancel kills the rehearsal's
whole process tree within one poll.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from djdesk_inspector.inspection import rehearsal
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel import jobs
from djdesk_inspector.kernel.jsonapi import ApiError, not_found
from djdesk_inspector.models import Rehearsal, RehearsalStatus, Workspace
from djdesk_inspector.tasks import REHEARSAL

TIMEOUT_SECONDS = rehearsal.DEFAULT_TIMEOUT
SUMMARY_FIELDS = (
    "id",
    "database",
    "status",
    "progress",
    "progress_message",
    "cancel_requested",
    "error",
    "created_at",
    "started_at",
    "finished_at",
)


def untrusted_reason(workspace: Workspace) -> str:
    if workspace.trusted:
        return ""
    return "A rehearsal runs the project's migrations: trust the workspace first."


def request(workspace: Workspace, database: Any = "default") -> Rehearsal:
    """Queue a rehearsal, or return the one already queued or running (409 if untrusted)."""
    if not isinstance(database, str) or not database or len(database) > 100:
        raise ApiError(400, {"database": ["Name a database alias."]})
    reason = untrusted_reason(workspace)
    if reason:
        raise ApiError(409, {"__all__": [reason]})
    rehearsal: Rehearsal = jobs.request_once(
        REHEARSAL,
        workspace,
        lambda: active_rehearsal(workspace),
        workspace=workspace,
        database=database,
    )
    return rehearsal


def active_rehearsal(workspace: Workspace) -> Rehearsal | None:
    return (
        Rehearsal.objects.filter(workspace=workspace, status__in=RehearsalStatus.active())
        .order_by("-id")
        .first()
    )


def get(workspace: Workspace, rehearsal_id: int) -> Rehearsal:
    try:
        return Rehearsal.objects.get(pk=rehearsal_id, workspace=workspace)
    except Rehearsal.DoesNotExist as exc:
        raise not_found("rehearsal") from exc


def cancel(row: Rehearsal) -> Rehearsal:
    outcome = jobs.cancel(REHEARSAL, row.pk)
    if outcome == "ended" and row.status != RehearsalStatus.CANCELLED:
        raise ApiError(409, {"__all__": [f"The rehearsal already {row.status}."]})
    row.refresh_from_db()
    return row


def summary_json(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "done": row["status"] not in RehearsalStatus.active()}


def rehearsal_json(row: Rehearsal) -> dict[str, Any]:
    data = summary_json({name: getattr(row, name) for name in SUMMARY_FIELDS})
    data["report"] = row.report
    return data


def recent(workspace: Workspace, limit: int = 5) -> list[dict[str, Any]]:
    """The latest rehearsals with their reports, newest first, in one query."""
    rows = Rehearsal.objects.filter(workspace=workspace).order_by("-id")[:limit]
    return [rehearsal_json(row) for row in rows]


def execute(rehearsal_id: int) -> str:
    """The task body: claim, rehearse with progress and cancel, store the report."""
    if not jobs.claim(REHEARSAL, rehearsal_id, progress=1):
        return "skipped"
    row = Rehearsal.objects.select_related("workspace").get(pk=rehearsal_id)
    workspace = row.workspace
    progress = jobs.Progress(REHEARSAL, rehearsal_id)
    if not workspace.trusted:  # revoked while it waited
        jobs.fail(REHEARSAL, rehearsal_id, untrusted_reason(workspace))
        return RehearsalStatus.FAILED
    try:
        report = rehearsal.rehearse(
            Path(workspace.project_path),
            settings_module=workspace.settings_module or None,
            interpreter=workspace.interpreter_path or None,
            database=row.database,
            timeout=TIMEOUT_SECONDS,
            env=_workspace_env(workspace),
            progress=progress,
            should_cancel=lambda: jobs.cancel_requested(REHEARSAL, rehearsal_id),
        )
    except ScanError as exc:
        if exc.kind == "cancelled":
            jobs.end(REHEARSAL, rehearsal_id, "cancelled")
            return RehearsalStatus.CANCELLED
        jobs.fail(REHEARSAL, rehearsal_id, exc.report())
        return RehearsalStatus.FAILED
    except BaseException as exc:
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        jobs.fail(REHEARSAL, rehearsal_id, f"Unexpected {type(exc).__name__}: {exc}\n{detail}")
        raise
    if not report.get("rehearsed"):
        jobs.fail(REHEARSAL, rehearsal_id, f"Not rehearsed: {report.get('reason')}", report=report)
        return RehearsalStatus.FAILED
    if report.get("forward_ok") and report.get("rollback_ok"):
        jobs.finish(REHEARSAL, rehearsal_id, message="Forward and rollback ok", report=report)
        return RehearsalStatus.SUCCEEDED
    failed = "forward" if not report.get("forward_ok") else "rollback"
    jobs.fail(REHEARSAL, rehearsal_id, f"The {failed} step failed.", report=report)
    return RehearsalStatus.FAILED


def _workspace_env(workspace: Workspace) -> dict[str, str]:
    from djdesk_inspector.inspection.engine import project_env

    return project_env(workspace.env_file or None, workspace.pass_env or ())
