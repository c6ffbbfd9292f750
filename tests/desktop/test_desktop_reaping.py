"""Reapers come from the installed apps' declarations; a broken one is loud, never skipped."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from djdesk_electron_kit import task_results
from djdesk_inspector.kernel import reaping, registry
from djdesk_inspector.kernel.compat import TaskResultStatus
from djdesk_inspector.kernel.registry import Reaper

CALLS: list[str] = []


def counting(**options: object) -> int:
    CALLS.append("counting")
    return 2


def failing(**options: object) -> int:
    CALLS.append("failing")
    raise RuntimeError("boom")


def declared(*reapers: Reaper) -> list[tuple[str, Reaper]]:
    return [("djdesk_inspector", reaper) for reaper in reapers]


@pytest.fixture
def broken_table(monkeypatch: pytest.MonkeyPatch) -> None:
    here = __name__
    table = declared(
        Reaper(f"{here}.failing"),
        Reaper(f"{here}.counting"),
        Reaper(f"{here}.no_such_function"),
        Reaper("no_such_module.reap"),
    )
    monkeypatch.setattr(registry, "reapers", lambda: table)


@pytest.mark.usefixtures("broken_table")
def test_failures_are_contained_and_missing_reapers_logged_as_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    CALLS.clear()
    with caplog.at_level(logging.ERROR, logger=reaping.__name__):
        counts = reaping.reap_all()
    assert CALLS == ["failing", "counting"]
    assert counts == {f"{__name__}.counting": 2}
    unloadable = [r.getMessage() for r in caplog.records if "cannot be loaded" in r.getMessage()]
    assert len(unloadable) == 2, unloadable


@pytest.mark.usefixtures("broken_table")
def test_an_unloadable_reaper_is_a_system_check_error() -> None:
    messages = reaping.check_reapers()
    assert [m.id for m in messages] == ["djdesk_inspector.E901"] * 2
    assert "no_such_module.reap" in messages[1].msg
    with pytest.raises(SystemCheckError, match="E901"):
        call_command("check")


def test_the_installed_apps_declare_real_reapers() -> None:
    resolved = reaping.resolve_all()
    assert all(item.function is not None for item in resolved), resolved
    labels = {item.app_label for item in resolved}
    assert {"djdesk_inspector", "djdesk_presets", "djdesk_datalab"} <= labels
    assert reaping.check_reapers() == []


def test_a_reaper_requiring_an_absent_app_is_not_declared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contributions = registry.Contributions(
        reapers=(Reaper(f"{__name__}.counting", requires="not_installed_app"),)
    )
    monkeypatch.setattr(
        registry,
        "contributing_apps",
        lambda: iter([(type("Config", (), {"label": "x"})(), contributions)]),
    )
    assert registry.reapers() == []


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
    assert task_results.reap_task_results() == 1
    running.refresh_from_db()
    ready.refresh_from_db()
    assert running.status == TaskResultStatus.FAILED
    assert running.finished_at is not None
    assert running.exception_class_path == "djdesk_electron_kit.task_results.InterruptedRun"
    assert ready.status == TaskResultStatus.READY


def test_an_unloadable_job_kind_is_a_system_check_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from djdesk_inspector.kernel.jobs.kinds import check_job_kinds

    assert check_job_kinds() == []
    monkeypatch.setattr(
        registry,
        "job_kind_paths",
        lambda: ["djdesk_inspector.tasks.SCAN", "no_such_module.KIND", f"{__name__}.counting"],
    )
    messages = check_job_kinds()
    assert [m.id for m in messages] == ["djdesk_inspector.E902"] * 2
    assert "no_such_module.KIND" in messages[0].msg
    assert "not a JobKind" in messages[1].msg
