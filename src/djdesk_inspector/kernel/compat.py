"""The one place that knows whether tasks come from Django or from the backport.

Django >= 6.0 ships ``django.tasks``; below that the ``django_tasks`` backport provides
the same API. Everything else in djdesk imports task primitives from here.
"""

from __future__ import annotations

from importlib.util import find_spec

import django

TASKS_BUILTIN = django.VERSION >= (6, 0)

if TASKS_BUILTIN:
    from django.tasks import (
        DEFAULT_TASK_BACKEND_ALIAS,
        TaskContext,
        TaskResult,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

    TASKS_APP: str | None = None
    IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
    TASKS_AVAILABLE = True
else:
    TASKS_AVAILABLE = find_spec("django_tasks") is not None
    TASKS_APP = "django_tasks"
    IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
    if TASKS_AVAILABLE:
        # The stubs describe django.tasks, so mypy sees the backport as a redefinition.
        from django_tasks import (  # type: ignore[assignment,no-redef]
            DEFAULT_TASK_BACKEND_ALIAS,
            TaskContext,
            TaskResult,
            TaskResultStatus,
            default_task_backend,
            task,
            task_backends,
        )
        from django_tasks.exceptions import (  # type: ignore[assignment]
            TaskResultDoesNotExist,
            TaskResultMismatch,
        )

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"

__all__ = [
    "DATABASE_BACKEND",
    "DEFAULT_TASK_BACKEND_ALIAS",
    "IMMEDIATE_BACKEND",
    "TASKS_APP",
    "TASKS_AVAILABLE",
    "TASKS_BUILTIN",
    "TaskContext",
    "TaskResult",
    "TaskResultDoesNotExist",
    "TaskResultMismatch",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]
