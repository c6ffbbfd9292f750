"""The reaper table: installed apps only, missing functions skipped, failures contained."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from djdesk_electron_kit import reaping
from djdesk_electron_kit.reaping import Reaper
from djdesk_inspector.compat import TaskResultStatus

CALLS: list[str] = []


def counting() -> int:
    CALLS.append("counting")
    return 2


def failing() -> int:
    CALLS.append("failing")
    raise RuntimeError("boom")


def test_only_installed_apps_and_existing_functions_are_called() -> None:
    CALLS.clear()
    here = __name__
    counts = reaping.reap_all(
        (
            Reaper("djdesk_inspector", f"{here}.failing"),
            Reaper("djdesk_inspector", f"{here}.counting"),
            Reaper("djdesk_inspector", f"{here}.no_such_function"),
            Reaper("djdesk_inspector", "no_such_module.reap"),
            Reaper("not_installed_app", f"{here}.counting"),
        )
    )
    assert CALLS == ["failing", "counting"]
    assert counts == {f"{here}.counting": 2}


def test_the_declared_table_names_real_apps_and_callables() -> None:
    from django.apps import apps
    from django.utils.module_loading import import_string

    installed = {config.label for config in apps.get_app_configs()}
    for reaper in reaping.REAPERS:
        assert reaper.app_label in installed, reaper
        assert callable(import_string(reaper.function)), reaper
    labels = {reaper.app_label for reaper in reaping.REAPERS}
    assert {"djdesk_inspector", "djdesk_presets", "djdesk_datalab"} <= labels


@pytest.mark.django_db
def test_running_task_results_become_failed() -> None:
    def make(status: str) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="djdesk_inspector.tasks.run_scan",
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        )

    running, ready = make(TaskResultStatus.RUNNING), make(TaskResultStatus.READY)
    assert reaping.reap_task_results() == 1
    running.refresh_from_db()
    ready.refresh_from_db()
    assert running.status == TaskResultStatus.FAILED
    assert running.finished_at is not None
    assert running.exception_class_path == "djdesk_electron_kit.reaping.InterruptedRun"
    assert ready.status == TaskResultStatus.READY
