"""Requesting, running and reaping scans of workspaces.

A scan is a job of the kind :data:`djdesk_inspector.tasks.SCAN`: a row
(:class:`~djdesk_inspector.models.Scan`) going through the kernel's lifecycle
(:mod:`djdesk_inspector.kernel.jobs`) and a task that runs :func:`execute`. At most one
scan per workspace is queued or running at a time; the task claims its row before
doing any work, so a reaped scan is never run afterwards.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from django.db import transaction

from djdesk_inspector.inspection import engine
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel import jobs
from djdesk_inspector.models import Scan, ScanKind, ScanStatus, Snapshot, Workspace
from djdesk_inspector.tasks import SCAN


def active_scan(workspace: Workspace) -> Scan | None:
    return (
        Scan.objects.filter(workspace=workspace, status__in=ScanStatus.active())
        .order_by("-id")
        .first()
    )


def request_scan(workspace: Workspace, kind: str = ScanKind.AUTO) -> Scan:
    """Queue a scan of ``workspace``, or return the one already queued or running.

    One active scan per workspace however many requests race
    (:func:`~djdesk_inspector.kernel.jobs.request_once`). The task is enqueued on
    ``DJDESK_INSPECTOR["TASK_BACKEND"]`` once the outermost transaction commits; with
    ``ImmediateBackend`` it has run by then.
    """
    scan: Scan = jobs.request_once(
        SCAN, workspace, lambda: active_scan(workspace), workspace=workspace, kind=ScanKind(kind)
    )
    return scan


def execute(scan_id: int) -> dict[str, Any]:
    """Run scan ``scan_id`` to completion (the body of the task).

    Claims the scan (queued -> running) or does nothing. Stores a snapshot on
    success; on any failure the scan ends ``failed`` with a one-line reason and the
    redacted stderr tail, never ``running``.
    """
    if not jobs.claim(SCAN, scan_id, progress=1):
        return {"scan": scan_id, "status": "skipped"}
    scan = Scan.objects.select_related("workspace").get(pk=scan_id)
    workspace = scan.workspace
    progress = jobs.Progress(SCAN, scan_id)
    try:
        document = engine.inspect_project(
            Path(workspace.project_path),
            kind=scan.kind,
            trusted=workspace.trusted,
            interpreter=workspace.interpreter_path or None,
            settings_module=workspace.settings_module or None,
            env_file=workspace.env_file or None,
            pass_env=workspace.pass_env or (),
            progress=progress,
        )
        progress(97, "Saving the snapshot")
        with transaction.atomic():
            snapshot = Snapshot.for_document(workspace, document, scan=scan)
            snapshot.save()
            mode = document["mode"]
            if document.get("fallback_reason"):
                mode = "static fallback"
            elif mode == "static" and scan.kind != ScanKind.STATIC:
                mode = "static: workspace not trusted"
            if not jobs.finish(SCAN, scan_id, message=f"Done ({mode})"):
                # Reaped meanwhile: keep it failed, and keep no snapshot of it.
                transaction.set_rollback(True)
                return {"scan": scan_id, "status": "reaped"}
    except ScanError as exc:
        jobs.fail(SCAN, scan_id, exc.report())
        return {"scan": scan_id, "status": ScanStatus.FAILED, "kind": exc.kind}
    except BaseException as exc:
        # Unexpected (or the worker is stopping): record it, then let the backend see it.
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        jobs.fail(
            SCAN, scan_id, f"Unexpected {type(exc).__name__}: {exc}\n\n{detail[-4000:]}".strip()
        )
        raise
    return {"scan": scan_id, "status": ScanStatus.SUCCEEDED, "snapshot": snapshot.pk}
