"""System checks for the inspector: every misconfiguration surfaces here, with a stable id.

Ids (the convention is in :mod:`djdesk_inspector.kernel.checks`):
  E001  DJDESK_INSPECTOR is not a dict
  E002  a DJDESK_INSPECTOR value has the wrong type
  E003  a numeric setting is out of range
  W001  DJDESK_INSPECTOR has an unknown key (a typo?)
  E010  an app the inspector needs is missing from INSTALLED_APPS
  E011  TASK_BACKEND names an alias missing from TASKS
  E012  Django < 6.0 and the django-tasks backport is not installed
  W010  ENV_ALLOWLIST names a variable that is never passed to a child (a secret)
  W011  CSRF_FAILURE_VIEW is Django's: CSRF failures on the API answer HTML, not JSON
  E901  a reaper an installed app declares cannot be imported (kernel check)
  E902  a job kind an installed app declares cannot be loaded (kernel check)
  E910  PERMISSION_CALLBACK cannot be imported or is not callable: every view refuses (kernel)
  W910  deploy: outside desktop mode, the permission callback lets anonymous visitors in (kernel)
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from djdesk_inspector import conf
from djdesk_inspector.kernel import checks as kernel_checks
from djdesk_inspector.kernel import compat, environment
from djdesk_inspector.kernel.checks import settings_checks, unknown_task_backend

APP = "djdesk_inspector"

POSITIVE_INTS = ("SCAN_TIMEOUT", "OUTPUT_LIMIT_BYTES", "HISTORY_LIMIT", "POLL_INTERVAL_MS")


def required_apps() -> tuple[str, ...]:
    needed = ["django.contrib.staticfiles", "django.contrib.contenttypes"]
    if compat.TASKS_APP:
        needed.append(compat.TASKS_APP)
    return tuple(needed)


def check_required_apps(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    return [
        checks.Error(
            f"'{name}' must be in INSTALLED_APPS for djdesk_inspector.",
            hint=f"Add '{name}' to INSTALLED_APPS.",
            id=f"{APP}.E010",
        )
        for name in required_apps()
        if not apps.is_installed(name)
    ]


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    messages = settings_checks(APP, conf.InspectorSettings, conf.SETTING, positive=POSITIVE_INTS)
    current = conf.get()
    messages.extend(
        checks.Warning(
            f"{conf.SETTING}['ENV_ALLOWLIST'] lists {name!r}, which is never passed to a "
            "probe or task run: it can carry the host's settings or secrets.",
            id=f"{APP}.W010",
        )
        for name in current.ENV_ALLOWLIST
        if environment.is_forbidden(name)
    )
    return messages


def check_tasks(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not compat.TASKS_AVAILABLE:
        return [
            checks.Error(
                "Django < 6.0 needs the django-tasks backport.",
                hint="pip install 'djdesk-inspector[compat]'",
                id=f"{APP}.E012",
            )
        ]
    return unknown_task_backend(conf.SETTING, conf.get().TASK_BACKEND, f"{APP}.E011")


CSRF_VIEW = "djdesk_inspector.api_root.csrf_failure"


def check_csrf_view(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if getattr(settings, "CSRF_FAILURE_VIEW", "") == CSRF_VIEW:
        return []
    return [
        checks.Warning(
            "CSRF failures on djdesk's JSON API answer with Django's HTML page.",
            hint=f'Set CSRF_FAILURE_VIEW = "{CSRF_VIEW}" (it keeps Django\'s page elsewhere).',
            id=f"{APP}.W011",
        )
    ]


def register() -> None:
    kernel_checks.register()
    checks.register(check_csrf_view)
    checks.register(check_required_apps)
    checks.register(check_settings)
    checks.register(check_tasks)
