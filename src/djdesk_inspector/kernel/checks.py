"""Shared building blocks for every djdesk app's system checks, and the kernel's own.

Convention: ids are ``<app label>.<E|W><three digits>``, listed in the docstring of
the app's ``checks.py``. Errors stop ``manage.py`` commands, warnings do not. Each
app builds its settings messages with :func:`settings_messages` and registers its
own checks in its ``AppConfig.ready``; the kernel's checks (:func:`register`) are
registered by whichever djdesk app is installed, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core import checks

from djdesk_inspector.kernel import compat
from djdesk_inspector.kernel.appsettings import Problem


def settings_messages(
    app: str, found: Iterable[Problem], ids: Mapping[str, str]
) -> list[checks.CheckMessage]:
    """Turn :class:`Problem` objects into check messages under ``app``'s ids."""
    messages: list[checks.CheckMessage] = []
    for problem in found:
        check_id = ids[problem.kind]
        cls = checks.Warning if check_id.startswith("W") else checks.Error
        messages.append(cls(problem.message, id=f"{app}.{check_id}"))
    return messages


def positive(setting: str, values: object, keys: Iterable[str], check_id: str) -> list[Any]:
    """One error per numeric ``keys`` of the loaded ``values`` that is not above zero."""
    return [
        checks.Error(f"{setting}[{key!r}] must be positive.", id=check_id)
        for key in keys
        if getattr(values, key) <= 0
    ]


def unknown_task_backend(setting: str, alias: str, check_id: str) -> list[Any]:
    """An error when ``alias`` (an app's TASK_BACKEND) is not a key of ``settings.TASKS``."""
    configured = getattr(settings, "TASKS", None) or {compat.DEFAULT_TASK_BACKEND_ALIAS: {}}
    if alias in configured:
        return []
    return [
        checks.Error(
            f"{setting}['TASK_BACKEND'] is {alias!r}, which is not a key of TASKS.", id=check_id
        )
    ]


def register() -> None:
    """The kernel's checks; registering twice is harmless (Django keeps a set)."""
    from djdesk_inspector.kernel import reaping

    checks.register(reaping.check_reapers)
