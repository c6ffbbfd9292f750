"""Shared building blocks for every djdesk app's system checks, and the kernel's own.

Convention (every app, listed in the docstring of the app's ``checks.py`` and in
``docs/settings.rst``): ids are ``<app label>.<E|W><three digits>``.

* ``001``-``009``: the settings dict, the same meaning in every app, built here by
  :func:`settings_checks` - ``E001`` not a dict, ``E002`` a value of the wrong type,
  ``E003`` a number out of range, ``E004`` a path that is not absolute, ``W001`` an
  unknown key.
* ``010``-``899``: the app's own checks.
* ``900``-``999``: the kernel's checks (:func:`register`), reported under
  ``djdesk_inspector`` whichever djdesk app is installed.

Errors stop ``manage.py`` commands, warnings do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core import checks

from djdesk_inspector.kernel import compat
from djdesk_inspector.kernel.appsettings import Problem, load, problems


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


SETTINGS_IDS = {"not-a-dict": "E001", "wrong-type": "E002", "unknown-key": "W001"}
OUT_OF_RANGE = "E003"
NOT_ABSOLUTE = "E004"


def settings_checks(
    app: str,
    settings_class: type[Any],
    setting: str,
    *,
    positive: Iterable[str] = (),
) -> list[checks.CheckMessage]:
    """The ``001``-``009`` block: shape, types and unknown keys, then numbers above zero."""
    messages = settings_messages(app, problems(settings_class, setting), SETTINGS_IDS)
    values = load(settings_class, setting)
    messages.extend(
        checks.Error(f"{setting}[{key!r}] must be positive.", id=f"{app}.{OUT_OF_RANGE}")
        for key in positive
        if getattr(values, key) <= 0
    )
    return messages


def not_absolute(app: str, message: str, hint: str = "") -> checks.CheckMessage:
    """``E004``: a configured folder that is not an absolute path."""
    return checks.Error(message, hint=hint or None, id=f"{app}.{NOT_ABSOLUTE}")


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
    from djdesk_inspector.kernel import permissions, reaping
    from djdesk_inspector.kernel.jobs.kinds import check_job_kinds

    checks.register(reaping.check_reapers)
    checks.register(check_job_kinds)
    permissions.register_checks()
