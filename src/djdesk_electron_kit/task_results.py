"""Reap django-tasks-db results whose worker died (declared on the kit's ``AppConfig``)."""

from __future__ import annotations

from django.utils import timezone

from djdesk_inspector.kernel.compat import TaskResultStatus


class InterruptedRun(Exception):
    """Recorded as the error of a task result whose process died under it."""


def reap_task_results(**options: object) -> int:
    """django-tasks-db results claimed by a worker that no longer exists.

    The reaper options (``reason``, ``worker_pid``) are not kept: a task result records
    :class:`InterruptedRun` as its error, and the job row the reason."""
    from django_tasks_db.models import DBTaskResult

    count: int = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{InterruptedRun.__module__}.{InterruptedRun.__qualname__}",
        traceback="InterruptedRun: the worker stopped before the task finished.\n",
    )
    return count
