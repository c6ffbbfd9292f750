"""Shipped presets sync, admin detachment, reaping, and the system checks."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from djdesk_inspector.presets import checks as preset_checks
from djdesk_inspector.presets import registry, runs, tasks
from djdesk_inspector.presets.models import Preset, RunStatus, TaskRun
from djdesk_inspector.presets.sync import sync_defaults

pytestmark = pytest.mark.django_db


def test_migrate_already_installed_the_shipped_presets():
    assert set(Preset.objects.values_list("key", flat=True)) >= set(registry.BY_KEY)
    assert Preset.objects.filter(builtin=True).count() == len(registry.DEFAULTS)


def test_sync_is_idempotent_and_reports():
    Preset.objects.all().delete()
    first = sync_defaults()
    assert sorted(first.created) == sorted(registry.BY_KEY)
    second = sync_defaults()
    assert second.created == [] and second.updated == []
    assert sorted(second.unchanged) == sorted(registry.BY_KEY)


def test_sync_updates_shipped_presets_and_never_touches_user_ones():
    Preset.objects.filter(key="check").update(label="Old label")
    Preset.objects.filter(key="inspectdb").update(builtin=False, label="Mine")
    Preset.objects.create(key="my-own", label="Mine", command="check")
    report = sync_defaults()
    assert report.updated == ["check"]
    assert report.skipped == ["inspectdb"]
    assert Preset.objects.get(key="check").label == registry.BY_KEY["check"].label
    assert Preset.objects.get(key="inspectdb").label == "Mine"
    assert Preset.objects.filter(key="my-own").exists()


def test_sync_command_prints_what_it_did():
    Preset.objects.filter(key="sqlmigrate").delete()
    out = io.StringIO()
    call_command("djdesk_presets_sync", stdout=out)
    text = out.getvalue()
    assert "created: 1 (sqlmigrate)" in text
    assert "updated: 0" in text
    assert "dumpdata" in text.splitlines()[-1]


def test_editing_a_shipped_preset_in_the_admin_detaches_it(admin_client):
    preset = Preset.objects.get(key="check")
    url = f"/admin/djdesk_presets/preset/{preset.pk}/change/"
    with override_settings(ROOT_URLCONF="tests.presets.admin_urls"):
        page = admin_client.get(url)
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {name: form[name].value() for name in form.fields}
        data |= {"label": "Checks, my way", "timeout": "", "docs_url": preset.docs_url}
        for name in ("fixed_args", "arguments", "allowed_options"):
            data[name] = form[name].value()
        response = admin_client.post(url, {k: ("" if v is None else v) for k, v in data.items()})
        assert response.status_code == 302, response.context["adminform"].form.errors
        refused = admin_client.post(url, data | {"command": "flush"})
        assert refused.status_code == 200
        assert "ALLOWLIST" in str(refused.context["adminform"].form.errors)
    preset.refresh_from_db()
    assert preset.label == "Checks, my way" and preset.builtin is False
    assert sync_defaults().skipped == ["check"]


def make_run(status: str, **fields) -> TaskRun:
    return TaskRun.objects.create(
        preset_key="check",
        target="host",
        project_path="/x",
        interpreter="/y",
        status=status,
        **fields,
    )


def test_reap_fails_runs_whose_runner_died_and_keeps_live_ones():
    import os

    now = timezone.now()
    dead = make_run(RunStatus.RUNNING, runner_pid=2**22 + 12345, heartbeat_at=now)
    silent = make_run(
        RunStatus.RUNNING, runner_pid=os.getpid(), heartbeat_at=now - timedelta(hours=1)
    )
    alive = make_run(RunStatus.RUNNING, runner_pid=os.getpid(), heartbeat_at=now)
    lost = make_run(RunStatus.REQUESTED)
    TaskRun.objects.filter(pk=lost.pk).update(created_at=now - timedelta(hours=1))
    fresh = make_run(RunStatus.REQUESTED)
    done = make_run(RunStatus.SUCCEEDED)
    assert tasks.reap_runs() == 3
    status = dict(TaskRun.objects.values_list("id", "status"))
    assert status[dead.pk] == status[silent.pk] == status[lost.pk] == RunStatus.FAILED
    assert status[alive.pk] == RunStatus.RUNNING
    assert status[fresh.pk] == RunStatus.REQUESTED
    assert status[done.pk] == RunStatus.SUCCEEDED
    assert tasks.reap_runs() == 0


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def test_test_configuration_has_no_presets_errors():
    found = preset_checks.check_settings() + preset_checks.check_tasks()
    assert ids(found) == set()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nope", "djdesk_presets.E001"),
        ({"ALLOWLIST": "check"}, "djdesk_presets.E002"),
        ({"DEFAULT_TIMEOUT": "60"}, "djdesk_presets.E002"),
        ({"ALLOW_HOST_TARGET": "yes"}, "djdesk_presets.E002"),
        ({"ALLOWLIST": ["check", "check --deploy"]}, "djdesk_presets.E010"),
        ({"ALLOWLIST": ["../evil"]}, "djdesk_presets.E010"),
        ({"OUTPUT_MAX_LINES": 0}, "djdesk_presets.E003"),
        ({"DEFAULT_TIMEOUT": 500, "MAX_TIMEOUT": 100}, "djdesk_presets.E003"),
        ({"ALLOWLST": ["check"]}, "djdesk_presets.W001"),
        ({"ALLOWLIST": ["check", "flush"]}, "djdesk_presets.W010"),
        ({"ALLOWLIST": ["shell"]}, "djdesk_presets.W010"),
    ],
)
def test_bad_settings_are_reported(value, expected):
    with override_settings(DJDESK_PRESETS=value):
        assert expected in ids(preset_checks.check_settings())


def test_unknown_task_backend_is_e005():
    with override_settings(DJDESK_PRESETS={"TASK_BACKEND": "nope"}):
        assert ids(preset_checks.check_tasks()) == {"djdesk_presets.E011"}


def test_database_backend_without_its_app_is_e007(settings):
    from djdesk_inspector.kernel import compat

    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_tasks_db"]
    assert ids(preset_checks.check_tasks()) == {"djdesk_presets.E013"}


def test_host_target_without_manage_py_is_w003(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    assert ids(preset_checks.check_host_target()) == {"djdesk_presets.W011"}
    (tmp_path / "manage.py").write_text("")
    assert preset_checks.check_host_target() == []
    settings.DJDESK_PRESETS = {"ALLOW_HOST_TARGET": False}
    (tmp_path / "manage.py").unlink()
    assert preset_checks.check_host_target() == []


def test_reap_keeps_queued_runs_and_fails_lost_ones(
    settings, workspace, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from djdesk_inspector.kernel import compat

    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    with django_capture_on_commit_callbacks(execute=True):
        queued = runs.request_run(target="workspace:shop", preset="check")
        lost = runs.request_run(target="workspace:shop", preset="check")
    queued.refresh_from_db()
    lost.refresh_from_db()
    assert queued.task_id and lost.task_id
    # A worker claimed this task, then died before its runner claimed the run.
    DBTaskResult.objects.filter(id=lost.task_id).update(status=compat.TaskResultStatus.RUNNING)
    assert tasks.reap_runs() == 1
    assert TaskRun.objects.get(pk=queued.pk).status == RunStatus.REQUESTED
    assert TaskRun.objects.get(pk=lost.pk).status == RunStatus.FAILED
