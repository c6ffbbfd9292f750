"""Crash recovery for every job kind: where a job's task is, and reaping dead jobs.

A running job is dead when the worker that claimed it is gone (its pid is not alive,
it is the worker the caller saw die, or, for kinds whose worker beats, its heartbeat
went silent). A queued job is lost when its backend says the task is gone; when the
backend cannot tell (``unknown``: no task id, no result store, a backend error), only
once it is older than the kind's staleness cutoff. So reaping is safe beside a live
worker: it never fails a job that worker is running or is about to claim.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from django.utils import timezone
from django.utils.module_loading import import_string

from djdesk_inspector.kernel import compat, processes
from djdesk_inspector.kernel.jobs.kinds import JobKind
from djdesk_inspector.kernel.jobs.lifecycle import ending_fields

logger = logging.getLogger(__name__)

TaskState = Literal["ready", "gone", "unknown"]
READY: TaskState = "ready"
GONE: TaskState = "gone"
UNKNOWN: TaskState = "unknown"

# A task a worker took moments ago may not have claimed its row yet (milliseconds).
CLAIM_GRACE_SECONDS = 30.0


def running_error(kind: JobKind) -> str:
    return f"The worker running this {kind.noun} stopped before it finished."


def lost_error(kind: JobKind) -> str:
    return f"The {kind.noun} was lost before a worker started it."


def task_state(
    kind: JobKind, task_id: str, *, worker_died: bool = False, now: datetime | None = None
) -> TaskState:
    """Where a queued job's task is: ``ready``, ``gone`` or ``unknown``.

    ``ready`` while the backend still queues it (or a worker took it moments ago and is
    about to claim the row); ``gone`` when nothing will run it (finished, failed, never
    stored, or taken by a worker that died: ``worker_died``, or longer ago than
    ``CLAIM_GRACE_SECONDS``); ``unknown`` when the backend cannot tell.
    """
    if not task_id:
        return UNKNOWN
    try:
        task = kind.task_object()
        if not task.get_backend().supports_get_result:
            return UNKNOWN
        result = task.get_result(task_id)
    except (compat.TaskResultDoesNotExist, compat.TaskResultMismatch):
        return GONE
    except Exception as exc:  # a misconfigured alias, a locked database ...
        logger.warning("Cannot tell where %s task %s is: %s", kind.noun, task_id, exc)
        return UNKNOWN
    if result.status == compat.TaskResultStatus.READY:
        return READY
    if result.status == compat.TaskResultStatus.RUNNING and not worker_died:
        started = getattr(result, "started_at", None)
        now = now or timezone.now()
        if started is not None and now - started < timedelta(seconds=CLAIM_GRACE_SECONDS):
            return READY
    return GONE


def _dead_running(kind: JobKind, cutoff: datetime, worker_pid: int | None) -> list[Any]:
    pid_field, beat_field = kind.worker_pid_field, kind.heartbeat_field
    fields = ["pk", *(f for f in (pid_field, beat_field) if f)]
    dead = []
    for row in kind.rows().filter(status=kind.statuses.running).values(*fields):
        pid = row.get(pid_field) if pid_field else None
        beat = row.get(beat_field) if beat_field else None
        silent = kind.beats and (beat is None or beat < cutoff)
        if (worker_pid is not None and pid == worker_pid) or silent or not processes.pid_alive(pid):
            dead.append(row["pk"])
    return dead


def _lost_queued(kind: JobKind, cutoff: datetime, worker_died: bool, now: datetime) -> list[Any]:
    fields = ["pk", kind.created_field, *([kind.task_id_field] if kind.task_id_field else [])]
    lost = []
    for row in kind.rows().filter(status=kind.statuses.queued).values(*fields):
        task_id = row.get(kind.task_id_field, "") if kind.task_id_field else ""
        state = task_state(kind, task_id, worker_died=worker_died, now=now)
        if state == GONE or (state == UNKNOWN and row[kind.created_field] < cutoff):
            lost.append(row["pk"])
    return lost


def reap(
    kind: JobKind,
    *,
    reason: str | None = None,
    worker_pid: int | None = None,
    stale_after: float | None = None,
) -> int:
    """Fail the jobs of ``kind`` a dead worker left queued or running; returns how many.

    ``reason`` is stored (redacted) as their error instead of the default one.
    ``worker_pid`` names a worker the caller saw die: every job it was running is dead,
    and a task a worker took but whose row is still queued is lost too.
    """
    now = timezone.now()
    seconds = kind.stale_after() if stale_after is None else stale_after
    cutoff = now - timedelta(seconds=seconds)
    worker_died = worker_pid is not None
    count = 0
    reaped: list[Any] = []
    for keys, status, default in (
        (_dead_running(kind, cutoff, worker_pid), kind.statuses.running, running_error(kind)),
        (_lost_queued(kind, cutoff, worker_died, now), kind.statuses.queued, lost_error(kind)),
    ):
        if not keys:
            continue
        values = ending_fields(kind, "failed", error=reason or default)
        changed = kind.rows().filter(pk__in=keys, status=status).update(**values)
        if changed:
            count += changed
            reaped += keys
    if reaped and kind.on_reaped:
        import_string(kind.on_reaped)(reaped)
    return count


def reaper(kind: JobKind) -> Callable[..., int]:
    """A reaper for ``kind`` to declare on the app's ``Contributions`` (see kernel.reaping)."""

    def reap_kind(*, reason: str | None = None, worker_pid: int | None = None) -> int:
        return reap(kind, reason=reason, worker_pid=worker_pid)

    reap_kind.__name__ = reap_kind.__qualname__ = f"reap_{kind.name}"
    reap_kind.__doc__ = f"Fail {kind.noun} jobs a dead worker left queued or running."
    return reap_kind
