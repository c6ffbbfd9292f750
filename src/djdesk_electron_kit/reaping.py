"""Mark work left ``running`` by a crashed launch as failed, before anything new starts.

At this point of a launch no worker runs yet, so anything still marked running was
interrupted (killed app, power loss). Each app owns the meaning of "running" for its
own models, so the launcher calls one reaper per app through :data:`REAPERS`; an app
that is not installed, or a reaper that does not exist, is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reaper:
    app_label: str
    function: str  # dotted path of a callable taking no argument, returning a count


REAPERS: tuple[Reaper, ...] = (
    Reaper("djdesk_inspector", "djdesk_inspector.scans.reap_stale_scans"),
    Reaper("djdesk_presets", "djdesk_inspector.presets.runs.reap_stale_runs"),
    Reaper("djdesk_datalab", "djdesk_inspector.datalab.exports.reap_stale_exports"),
    Reaper("django_tasks_database", "djdesk_electron_kit.reaping.reap_task_results"),
)


class InterruptedRun(Exception):
    """Recorded as the error of a task result whose process died under it."""


def reap_task_results() -> int:
    """django-tasks-db results claimed by a worker that no longer exists."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from djdesk_inspector.compat import TaskResultStatus

    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{InterruptedRun.__module__}.{InterruptedRun.__qualname__}",
        traceback="InterruptedRun: the worker stopped before the task finished.\n",
    )


def _installed(label: str) -> bool:
    return any(config.label == label for config in apps.get_app_configs())


def _resolve(reaper: Reaper) -> Callable[[], object] | None:
    if not _installed(reaper.app_label):
        return None
    try:
        function = import_string(reaper.function)
    except ImportError:
        return None  # that app does not reap (yet)
    except Exception:
        logger.exception("Cannot load reaper %s", reaper.function)
        return None
    return function if callable(function) else None


def reap_all(reapers: tuple[Reaper, ...] = REAPERS) -> dict[str, int]:
    """Run every applicable reaper; one failing never stops the launch."""
    counts: dict[str, int] = {}
    for reaper in reapers:
        function = _resolve(reaper)
        if function is None:
            continue
        try:
            result = function()
        except Exception:
            logger.exception("Reaper %s failed", reaper.function)
            continue
        counts[reaper.function] = result if isinstance(result, int) else 0
        if counts[reaper.function]:
            logger.warning("%s marked %d interrupted run(s) as failed", reaper.function, result)
    return counts
