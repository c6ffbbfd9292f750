"""Requesting, running and reaping scans of workspaces.

A scan is a row (:class:`~djdesk_inspector.models.Scan`) plus a django-tasks task
(:mod:`djdesk_inspector.tasks`) that runs :func:`execute`. At most one scan per
workspace is queued or running at a time; the task claims its row before doing any
work, so a scan reaped by :func:`reap_stale_scans` is never run afterwards.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from djdesk_inspector import conf
from djdesk_inspector.inspection import engine
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel.redaction import redact
from djdesk_inspector.models import Scan, ScanKind, ScanStatus, Snapshot, Workspace

logger = logging.getLogger(__name__)

STALE_ERROR = "The worker running this scan stopped before it finished."
_MESSAGE_LENGTH = Scan._meta.get_field("progress_message").max_length or 200


def active_scan(workspace: Workspace) -> Scan | None:
    return (
        Scan.objects.filter(workspace=workspace, status__in=ScanStatus.active())
        .order_by("-id")
        .first()
    )


def request_scan(workspace: Workspace, kind: str = ScanKind.AUTO) -> Scan:
    """Queue a scan of ``workspace``, or return the one already queued or running.

    The check-then-create runs in a transaction whose first statement is a no-op
    ``UPDATE`` of the workspace row: it takes the row lock on PostgreSQL/MySQL and the
    write lock on SQLite *before* anything is read (``select_for_update`` is a no-op
    on SQLite, where two deferred readers would both see "no scan"), so simultaneous
    requests queue up and get the same scan. The task is enqueued on
    ``DJDESK_INSPECTOR["TASK_BACKEND"]`` after the row is committed; with
    ``ImmediateBackend`` it has run by the time this returns.
    """
    kind = ScanKind(kind)
    with transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(name=F("name"))
        existing = active_scan(workspace)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                scan = Scan.objects.create(
                    workspace=workspace, kind=kind, progress_message="Queued"
                )
        except IntegrityError:
            # A uniqueness constraint on active scans lost the race for us.
            existing = active_scan(workspace)
            if existing is None:
                raise
            return existing
    _enqueue(scan)
    scan.refresh_from_db()
    return scan


def _enqueue(scan: Scan) -> None:
    from djdesk_inspector.tasks import run_scan

    try:
        result = run_scan.using(backend=conf.get().TASK_BACKEND).enqueue(scan.pk)
    except Exception as exc:
        logger.exception("Could not enqueue scan %s", scan.pk)
        _finish_failed(scan.pk, f"The scan could not be queued: {type(exc).__name__}: {exc}")
        return
    Scan.objects.filter(pk=scan.pk).update(task_id=str(result.id)[:64])


class _Progress:
    """Writes progress to the scan row, only when it changes."""

    def __init__(self, scan_id: int) -> None:
        self.scan_id = scan_id
        self.last: tuple[int, str] | None = None

    def __call__(self, percent: int, message: str) -> None:
        percent = max(0, min(99, int(percent)))
        current = (percent, message[:_MESSAGE_LENGTH])
        if current == self.last:
            return
        self.last = current
        Scan.objects.filter(pk=self.scan_id, status=ScanStatus.RUNNING).update(
            progress=percent, progress_message=current[1]
        )


def execute(scan_id: int) -> dict[str, Any]:
    """Run scan ``scan_id`` to completion (the body of the task).

    Claims the scan (queued -> running) or does nothing. Stores a snapshot on
    success; on any failure the scan ends ``failed`` with a one-line reason and the
    redacted stderr tail, never ``running``.
    """
    claimed = Scan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING,
        started_at=timezone.now(),
        progress=1,
        progress_message="Starting",
    )
    if not claimed:
        return {"scan": scan_id, "status": "skipped"}
    scan = Scan.objects.select_related("workspace").get(pk=scan_id)
    workspace = scan.workspace
    progress = _Progress(scan_id)
    try:
        document = engine.inspect_project(
            Path(workspace.project_path),
            kind=scan.kind,
            interpreter=workspace.interpreter_path or None,
            settings_module=workspace.settings_module or None,
            progress=progress,
        )
        progress(97, "Saving the snapshot")
        with transaction.atomic():
            snapshot = Snapshot.for_document(workspace, document, scan=scan)
            snapshot.save()
            mode = "static fallback" if document.get("fallback_reason") else document["mode"]
            Scan.objects.filter(pk=scan_id).update(
                status=ScanStatus.SUCCEEDED,
                progress=100,
                progress_message=f"Done ({mode})",
                finished_at=timezone.now(),
                error="",
            )
    except ScanError as exc:
        _finish_failed(scan_id, exc.report())
        return {"scan": scan_id, "status": ScanStatus.FAILED, "kind": exc.kind}
    except BaseException as exc:
        # Unexpected (or the worker is stopping): record it, then let the backend see it.
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        _finish_failed(
            scan_id, f"Unexpected {type(exc).__name__}: {exc}\n\n{detail[-4000:]}".strip()
        )
        raise
    return {"scan": scan_id, "status": ScanStatus.SUCCEEDED, "snapshot": snapshot.pk}


def _finish_failed(scan_id: int, error: str) -> None:
    Scan.objects.filter(pk=scan_id, status__in=ScanStatus.active()).update(
        status=ScanStatus.FAILED,
        error=redact(error),
        progress_message="Failed",
        finished_at=timezone.now(),
    )


def _still_queued(scan: Scan) -> bool:
    """True when the task backend still holds this scan's task, waiting to run."""
    if not scan.task_id:
        return False
    from djdesk_inspector.kernel.compat import TaskResultStatus
    from djdesk_inspector.tasks import run_scan

    try:
        result = run_scan.using(backend=conf.get().TASK_BACKEND).get_result(scan.task_id)
    except Exception:  # backend without results (immediate), or the task is gone
        return False
    return result.status == TaskResultStatus.READY


def reap_stale_scans(*, older_than: timedelta | None = None) -> int:
    """Fail scans left queued or running by a worker that died; returns how many.

    A running scan is stale (the launcher calls this before it starts a worker, so
    nothing can be running it). A queued scan is kept while the backend still has
    its task waiting. ``older_than`` limits reaping to scans created before then,
    for callers that run while a worker may be alive.
    """
    candidates = Scan.objects.filter(status__in=ScanStatus.active())
    if older_than is not None:
        candidates = candidates.filter(created_at__lt=timezone.now() - older_than)
    stale = [
        scan.pk
        for scan in candidates.only("id", "status", "task_id")
        if scan.status == ScanStatus.RUNNING or not _still_queued(scan)
    ]
    if not stale:
        return 0
    return Scan.objects.filter(pk__in=stale, status__in=ScanStatus.active()).update(
        status=ScanStatus.FAILED,
        error=STALE_ERROR,
        progress_message="Failed",
        finished_at=timezone.now(),
    )
