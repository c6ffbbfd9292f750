"""Scans as django-tasks tasks: snapshots, progress, failures, one at a time, reaping."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from telemetry import samples

from djdesk_inspector import scans
from djdesk_inspector.inspection import engine
from djdesk_inspector.kernel import jobs
from djdesk_inspector.models import Scan, ScanStatus, Snapshot, Workspace
from djdesk_inspector.tasks import SCAN, reap_scans

# Scans are enqueued once their transaction commits, so tests commit for real.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _workspace(path: Path, **extra: Any) -> Workspace:
    """A *trusted* workspace: these tests are about scans that may run the code
    (test_trust.py covers untrusted ones)."""
    extra.setdefault("name", path.name)
    extra.setdefault("trusted", True)
    return Workspace.objects.create(project_path=str(path), **extra)


def test_scan_through_the_task_stores_a_snapshot(clean_sample: samples.SampleProject) -> None:
    workspace = _workspace(clean_sample.root)
    scan = scans.request_scan(workspace)
    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.progress == 100
    assert scan.progress_message == "Done (live)"
    assert scan.task_id
    assert scan.started_at and scan.finished_at and scan.error == ""
    snapshot = Snapshot.objects.get(scan=scan)
    assert snapshot.workspace == workspace
    assert snapshot.mode == "live"
    assert snapshot.probe_version == snapshot.data["probe_version"]
    assert snapshot.summary["unapplied"] == len(clean_sample.unapplied)
    assert snapshot.summary["models"] >= len(clean_sample.models)


def test_static_scan_kind(clean_sample: samples.SampleProject) -> None:
    scan = scans.request_scan(_workspace(clean_sample.root), "static")
    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.snapshot.mode == "static"
    assert scan.progress_message == "Done (static)"


def test_auto_falls_back_to_static_when_the_interpreter_cannot_run(
    clean_sample: samples.SampleProject,
) -> None:
    workspace = _workspace(clean_sample.root, interpreter_path="/nonexistent/python")
    scan = scans.request_scan(workspace, "auto")
    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.progress_message == "Done (static fallback)"
    assert "does not exist" in scan.snapshot.data["fallback_reason"]


def test_live_kind_never_falls_back(clean_sample: samples.SampleProject) -> None:
    workspace = _workspace(clean_sample.root, interpreter_path="/nonexistent/python")
    scan = scans.request_scan(workspace, "live")
    assert scan.status == ScanStatus.FAILED
    assert scan.error.startswith("Interpreter /nonexistent/python does not exist.")
    assert not Snapshot.objects.filter(scan=scan).exists()


def test_failed_scan_records_a_redacted_reason(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "broken", apps=0, broken_settings=True)
    settings = sample.root / "sampleproj" / "settings.py"
    settings.write_text(settings.read_text().replace(
        "(SAMPLE_BROKEN)", "(password=hunter2-secret)"))  # fmt: skip
    scan = scans.request_scan(_workspace(sample.root))
    assert scan.status == ScanStatus.FAILED
    assert scan.progress_message == "Failed"
    first_line = scan.error.splitlines()[0]
    assert first_line.startswith(
        "Importing the settings module 'sampleproj.settings' failed: RuntimeError"
    )
    assert "hunter2-secret" not in scan.error
    assert "Traceback" in scan.error or "raise RuntimeError" in scan.error
    # Nothing else broke: the next request starts a new scan.
    assert scans.request_scan(scan.workspace).pk != scan.pk


def test_unexpected_errors_never_leave_a_scan_running(
    clean_sample: samples.SampleProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("disk on fire, token=abc123")

    monkeypatch.setattr(engine, "inspect_project", broken)
    scan = scans.request_scan(_workspace(clean_sample.root))
    assert scan.status == ScanStatus.FAILED
    assert scan.error.startswith("Unexpected RuntimeError: disk on fire, token=[REDACTED]")


def test_one_active_scan_per_workspace(clean_sample: samples.SampleProject) -> None:
    workspace = _workspace(clean_sample.root)
    running = Scan.objects.create(workspace=workspace, status=ScanStatus.RUNNING)
    assert scans.request_scan(workspace).pk == running.pk
    assert Scan.objects.filter(workspace=workspace).count() == 1
    other = _workspace(clean_sample.root.parent, name="other")
    assert scans.request_scan(other).workspace == other


def test_a_claimed_or_reaped_scan_is_not_run_again(clean_sample: samples.SampleProject) -> None:
    workspace = _workspace(clean_sample.root)
    scan = Scan.objects.create(workspace=workspace, status=ScanStatus.FAILED)
    assert scans.execute(scan.pk) == {"scan": scan.pk, "status": "skipped"}
    assert not Snapshot.objects.exists()


def test_reap_stale_scans(clean_sample: samples.SampleProject) -> None:
    workspace = _workspace(clean_sample.root)
    running = Scan.objects.create(workspace=workspace, status=ScanStatus.RUNNING)
    alive = Scan.objects.create(
        workspace=workspace, status=ScanStatus.RUNNING, worker_pid=os.getpid()
    )
    queued = Scan.objects.create(workspace=workspace, status=ScanStatus.QUEUED, task_id="gone")
    Scan.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=1))
    done = Scan.objects.create(workspace=workspace, status=ScanStatus.SUCCEEDED)
    assert reap_scans() == 2
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.error == jobs.running_error(SCAN)
    assert queued.error == jobs.lost_error(SCAN)
    for scan in (running, queued):
        assert scan.status == ScanStatus.FAILED
        assert scan.progress_message == "Failed"
        assert scan.finished_at is not None
    for scan in (alive, done):
        before = scan.status
        scan.refresh_from_db()
        assert scan.status == before
    assert reap_scans(reason="The tasks worker died (exit code -9).", worker_pid=os.getpid()) == 1
    alive.refresh_from_db()
    assert alive.status == ScanStatus.FAILED
    assert alive.error == "The tasks worker died (exit code -9)."
    assert reap_scans() == 0


def test_a_scan_requested_in_a_transaction_runs_when_it_commits(
    clean_sample: samples.SampleProject,
) -> None:
    workspace = _workspace(clean_sample.root)
    with transaction.atomic():
        scan = scans.request_scan(workspace, "static")
        assert scan.status == ScanStatus.QUEUED
        assert scans.request_scan(workspace).pk == scan.pk
    scan.refresh_from_db()
    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.worker_pid == os.getpid()
    assert scan.snapshot.mode == "static"


def test_a_rolled_back_request_leaves_no_scan_and_no_task(
    clean_sample: samples.SampleProject, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    workspace = _workspace(clean_sample.root)

    def request_and_abort() -> None:
        with transaction.atomic():
            scans.request_scan(workspace)
            raise LookupError("abort")

    with pytest.raises(LookupError):
        request_and_abort()
    assert not Scan.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS={
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
)
def test_database_backend_keeps_queued_scans_until_a_worker_runs_them(
    clean_sample: samples.SampleProject,
) -> None:
    workspace = _workspace(clean_sample.root)
    scan = scans.request_scan(workspace)
    assert scan.status == ScanStatus.QUEUED and scan.task_id
    assert scans.request_scan(workspace).pk == scan.pk
    assert reap_scans() == 0  # its task is still waiting in the queue
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.snapshot.mode == "live"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_simultaneous_requests_get_one_scan(clean_sample: samples.SampleProject) -> None:
    from django.db import connection

    workspace = _workspace(clean_sample.root)
    start = threading.Barrier(6)
    results: list[int] = []
    failures: list[BaseException] = []

    def request() -> None:
        try:
            start.wait()
            results.append(scans.request_scan(workspace).pk)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert len(results) == 6
    assert len(set(results)) == 1
    assert Scan.objects.filter(workspace=workspace).count() == 1
