"""Runs through django-tasks-db's DatabaseBackend and a real ``db_worker`` process."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import pytest
from django.db import connection

from djdesk_inspector.kernel import compat
from djdesk_inspector.presets import tasks
from djdesk_inspector.presets.models import RunStatus, TaskRun
from tests.presets.conftest import pid_gone, wait_for
from tests.presets.workers import db_workers

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RUNS = "/djdesk/api/task-runs/"


@pytest.fixture
def database_backend(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    with db_workers(
        connection.settings_dict["NAME"], settings.DJDESK_PRESETS, log_dir=tmp_path
    ) as procs:
        yield procs


def post(client, body):
    return client.post(RUNS, json.dumps(body), content_type="application/json")


def follow_log(client, run_id: int, timeout: float = 60) -> tuple[list[dict], float | None]:
    """Poll the log API like the drawer does; returns all lines and first-line latency."""
    started = time.monotonic()
    first = None
    after = 0
    lines: list[dict] = []
    while time.monotonic() - started < timeout:
        delta = client.get(f"{RUNS}{run_id}/log/", {"after": after}).json()
        if delta["lines"] and first is None:
            first = time.monotonic() - started
        lines += delta["lines"]
        after = delta["next_after"]
        if delta["done"]:
            return lines, first
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} not done after {timeout} s")


def test_a_run_goes_through_the_database_worker(client, workspace, database_backend):
    response = post(
        client, {"workspace": workspace.slug, "preset": "showmigrations", "args": {"plan": True}}
    )
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert response.json()["status"] in {"requested", "running"}
    lines, first = follow_log(client, run_id)
    run = client.get(f"{RUNS}{run_id}/").json()
    assert run["status"] == "succeeded", lines
    assert any("shop.0002_product_price" in line["text"] for line in lines)
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    assert first is not None and first < 10
    stored = TaskRun.objects.get(pk=run_id)
    assert stored.runner_pid != os.getpid()  # the worker ran it, not this process
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(id=stored.task_id).status == compat.TaskResultStatus.SUCCESSFUL


def test_cancel_through_the_api_with_the_worker(client, workspace, make_preset, database_backend):
    make_preset("chatty", "chatty", fixed_args=["--count=100000", "--delay=0.02"])
    run_id = post(client, {"workspace": workspace.slug, "preset": "chatty"}).json()["id"]
    wait_for(lambda: client.get(f"{RUNS}{run_id}/log/", {"after": 5}).json()["lines"], timeout=30)
    cancelled = client.post(f"{RUNS}{run_id}/cancel/").json()
    assert cancelled["status"] == "cancelled", cancelled
    lines, _ = follow_log(client, run_id)
    assert lines[-1]["text"].startswith("[cancelled after")
    assert pid_gone(TaskRun.objects.get(pk=run_id).child_pid)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_dead_worker_is_reaped(client, workspace, make_preset, database_backend):
    make_preset("chatty", "chatty", fixed_args=["--count=100000", "--delay=0.02"])
    run_id = post(client, {"workspace": workspace.slug, "preset": "chatty"}).json()["id"]
    wait_for(lambda: TaskRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists(), 30)
    assert tasks.reap_runs() == 0  # alive and beating: left alone
    worker = database_backend[0]
    assert TaskRun.objects.get(pk=run_id).runner_pid == worker.pid
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    reason = "The tasks worker died (exit code -9)."
    assert tasks.reap_runs(reason=reason, worker_pid=worker.pid) == 1
    run = TaskRun.objects.get(pk=run_id)
    assert run.status == RunStatus.FAILED and run.error == reason
    wait_for(lambda: pid_gone(run.child_pid), timeout=15)  # SIGPIPE once it writes again
