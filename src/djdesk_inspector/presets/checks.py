"""System checks for the presets app: misconfiguration surfaces here, with a stable id.

Ids (the convention is in :mod:`djdesk_inspector.kernel.checks`):
  E001  DJDESK_PRESETS is not a dict
  E002  a DJDESK_PRESETS value has the wrong type
  E003  a numeric setting is out of range (or DEFAULT_TIMEOUT > MAX_TIMEOUT)
  W001  DJDESK_PRESETS has an unknown key (a typo?)
  E010  an ALLOWLIST entry is not a management command name
  E011  TASK_BACKEND names an alias missing from TASKS
  E012  Django < 6.0 and the django-tasks backport is missing from INSTALLED_APPS
  E013  TASK_BACKEND uses django-tasks-db but django_tasks_db is not installed
  W010  ALLOWLIST has a command that changes data, serves or opens a shell
  W011  ALLOW_HOST_TARGET is on but settings.BASE_DIR has no manage.py
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from djdesk_inspector.kernel import checks as kernel_checks
from djdesk_inspector.kernel import compat
from djdesk_inspector.kernel.checks import settings_checks, unknown_task_backend
from djdesk_inspector.presets import conf, validation

APP = "djdesk_presets"

POSITIVE_INTS = (
    "OUTPUT_MAX_LINES",
    "OUTPUT_MAX_BYTES",
    "MAX_LINE_CHARS",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "BATCH_LINES",
    "BATCH_MS",
    "LOG_PAGE_LINES",
    "HISTORY_LIMIT",
    "STALE_AFTER",
)

# Commands that write, delete, serve, or hand out a shell: allowed only on purpose.
RISKY_COMMANDS = frozenset(
    {
        "changepassword",
        "collectstatic",
        "createcachetable",
        "createsuperuser",
        "dbshell",
        "flush",
        "loaddata",
        "makemessages",
        "migrate",
        "remove_stale_contenttypes",
        "runserver",
        "shell",
        "sqlflush",
        "squashmigrations",
        "startapp",
        "startproject",
        "test",
        "testserver",
    }
)


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    messages = settings_checks(APP, conf.PresetsSettings, conf.SETTING, positive=POSITIVE_INTS)
    current = conf.get()
    for command in current.ALLOWLIST:
        if not isinstance(command, str) or not validation.COMMAND.match(command):
            messages.append(
                checks.Error(
                    f"{conf.SETTING}['ALLOWLIST'] has {command!r}, which is not a command name.",
                    hint="Use exact management command names such as 'check'.",
                    id=f"{APP}.E010",
                )
            )
        elif command in RISKY_COMMANDS:
            messages.append(
                checks.Warning(
                    f"{conf.SETTING}['ALLOWLIST'] allows {command!r}, which changes data, "
                    "serves, or opens a shell.",
                    hint="Keep the allowlist to read-only commands unless you mean it.",
                    id=f"{APP}.W010",
                )
            )
    if current.DEFAULT_TIMEOUT > current.MAX_TIMEOUT:
        messages.append(
            checks.Error(
                f"{conf.SETTING}['DEFAULT_TIMEOUT'] is above MAX_TIMEOUT.", id=f"{APP}.E003"
            )
        )
    return messages


def check_tasks(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if compat.TASKS_APP and not apps.is_installed(compat.TASKS_APP):
        return [
            checks.Error(
                f"'{compat.TASKS_APP}' must be in INSTALLED_APPS for djdesk_presets on "
                "Django < 6.0.",
                hint="pip install 'djdesk-inspector[compat]' and add it to INSTALLED_APPS.",
                id=f"{APP}.E012",
            )
        ]
    alias = conf.get().TASK_BACKEND
    missing = unknown_task_backend(conf.SETTING, alias, f"{APP}.E011")
    if missing:
        return missing
    configured = getattr(settings, "TASKS", None) or {compat.DEFAULT_TASK_BACKEND_ALIAS: {}}
    backend = str(configured[alias].get("BACKEND", ""))
    if backend.startswith("django_tasks_db") and not apps.is_installed("django_tasks_db"):
        return [
            checks.Error(
                f"TASKS[{alias!r}] uses django-tasks-db, but 'django_tasks_db' is not in "
                "INSTALLED_APPS.",
                id=f"{APP}.E013",
            )
        ]
    return []


def check_host_target(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not conf.get().ALLOW_HOST_TARGET:
        return []
    base = getattr(settings, "BASE_DIR", None)
    if isinstance(base, (str, PurePath)) and str(base) and (Path(base) / "manage.py").is_file():
        return []
    return [
        checks.Warning(
            "The host target is on, but settings.BASE_DIR does not hold manage.py, so "
            "presets cannot run against this project itself.",
            hint=f"Set BASE_DIR to the folder of manage.py, or set "
            f"{conf.SETTING}['ALLOW_HOST_TARGET'] = False.",
            id=f"{APP}.W011",
        )
    ]


def register() -> None:
    kernel_checks.register()
    checks.register(check_settings)
    checks.register(check_tasks)
    checks.register(check_host_target)
