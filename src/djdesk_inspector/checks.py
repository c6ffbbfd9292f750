"""System checks for the inspector: every misconfiguration surfaces here, with a stable id.

Ids:
  E001  an app the inspector needs is missing from INSTALLED_APPS
  E002  DJDESK_INSPECTOR is not a dict
  E003  a DJDESK_INSPECTOR value has the wrong type
  E004  TASK_BACKEND names an alias missing from TASKS
  E005  Django < 6.0 and the django-tasks backport is not installed
  E006  a numeric setting is out of range
  W001  DJDESK_INSPECTOR has an unknown key (a typo?)
  W002  ENV_ALLOWLIST names a variable that is never passed to a child (a secret)
  W003  CSRF_FAILURE_VIEW is Django's: CSRF failures on the API answer HTML, not JSON
  E010  a reaper an installed app declares cannot be imported (kernel check)
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from djdesk_inspector import conf
from djdesk_inspector.kernel import checks as kernel_checks
from djdesk_inspector.kernel import compat, environment
from djdesk_inspector.kernel.appsettings import problems
from djdesk_inspector.kernel.checks import settings_messages, unknown_task_backend

APP = "djdesk_inspector"

PROBLEM_IDS = {"not-a-dict": "E002", "wrong-type": "E003", "unknown-key": "W001"}

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
            id=f"{APP}.E001",
        )
        for name in required_apps()
        if not apps.is_installed(name)
    ]


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    messages = settings_messages(APP, problems(conf.InspectorSettings, conf.SETTING), PROBLEM_IDS)
    current = conf.get()
    for key in POSITIVE_INTS:
        if getattr(current, key) <= 0:
            messages.append(
                checks.Error(f"{conf.SETTING}[{key!r}] must be positive.", id=f"{APP}.E006")
            )
    messages.extend(
        checks.Warning(
            f"{conf.SETTING}['ENV_ALLOWLIST'] lists {name!r}, which is never passed to a "
            "probe or task run: it can carry the host's settings or secrets.",
            id=f"{APP}.W002",
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
                id=f"{APP}.E005",
            )
        ]
    return unknown_task_backend(conf.SETTING, conf.get().TASK_BACKEND, f"{APP}.E004")


CSRF_VIEW = "djdesk_inspector.api_root.csrf_failure"


def check_csrf_view(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if getattr(settings, "CSRF_FAILURE_VIEW", "") == CSRF_VIEW:
        return []
    return [
        checks.Warning(
            "CSRF failures on djdesk's JSON API answer with Django's HTML page.",
            hint=f'Set CSRF_FAILURE_VIEW = "{CSRF_VIEW}" (it keeps Django\'s page elsewhere).',
            id=f"{APP}.W003",
        )
    ]


def register() -> None:
    kernel_checks.register()
    checks.register(check_csrf_view)
    checks.register(check_required_apps)
    checks.register(check_settings)
    checks.register(check_tasks)
