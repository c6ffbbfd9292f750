"""The one place that knows whether tasks come from Django or from the backport.

Django >= 6.0 ships ``django.tasks``; below that the ``django_tasks`` backport provides
the same API. Everything else in djdesk imports task primitives from here.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

import django

TASKS_BUILTIN = django.VERSION >= (6, 0)

if TASKS_BUILTIN:
    TASKS_APP: str | None = None
    IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
    TASKS_AVAILABLE = True
else:
    TASKS_AVAILABLE = find_spec("django_tasks") is not None
    TASKS_APP = "django_tasks"
    IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"

if TYPE_CHECKING:
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

# name -> submodule of django.tasks (or of the backport) that defines it.
_PRIMITIVES = {
    "DEFAULT_TASK_BACKEND_ALIAS": "",
    "TaskContext": "",
    "TaskResult": "",
    "TaskResultStatus": "",
    "default_task_backend": "",
    "task": "",
    "task_backends": "",
    "TaskResultDoesNotExist": ".exceptions",
    "TaskResultMismatch": ".exceptions",
}


def __getattr__(name: str) -> Any:
    """The task primitives, imported on first use: the backport's import alone costs
    tens of milliseconds (it loads importlib.metadata and django_stubs_ext), which
    every ``manage.py`` command of the host would otherwise pay at startup."""
    if name not in _PRIMITIVES or not TASKS_AVAILABLE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    package = "django.tasks" if TASKS_BUILTIN else "django_tasks"
    value = getattr(import_module(package + _PRIMITIVES[name]), name)
    globals()[name] = value
    return value


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
