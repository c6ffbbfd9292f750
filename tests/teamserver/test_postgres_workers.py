"""Two real ``db_worker`` processes on PostgreSQL share one queue without doubles.

django-tasks-db claims a task with ``SELECT ... FOR UPDATE SKIP LOCKED``; on a
server database several workers poll the same table at once. Twenty real scans are
queued, two workers drain the queue, and every job must have run exactly once.
"""

from __future__ import annotations

import pytest
from django.db import connection

from djdesk_inspector.kernel import compat
from djdesk_inspector.models import Scan, ScanStatus, Snapshot
from tests.teamserver.jobs import APPS, queue_scans
from tests.teamserver.services import drain_with_db_workers, require_postgres

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

JOBS = 20


def test_two_workers_run_every_queued_scan_exactly_once(settings, tmp_path):
    require_postgres(connection.settings_dict)
    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    queued = queue_scans(tmp_path / "projects", JOBS)
    assert {scan.status for scan in queued} == {ScanStatus.QUEUED}  # nothing ran in here

    pool = drain_with_db_workers(
        connection.settings_dict["NAME"], count=2, log_dir=tmp_path / "logs"
    )

    assert pool.returncodes == [0, 0], pool.logs
    task_ids = {scan.task_id for scan in Scan.objects.all()}
    assert len(task_ids) == JOBS and "" not in task_ids
    # Executions, counted from both workers' logs: each task started exactly once.
    assert pool.executions == dict.fromkeys(task_ids, 1), pool.logs
    assert sum(pool.per_worker) == JOBS

    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(id__in=task_ids)
    assert results.count() == JOBS
    for result in results:
        assert result.status == compat.TaskResultStatus.SUCCESSFUL
        assert len(result.worker_ids) == 1 and result.worker_ids[0] in {"team-0", "team-1"}
        # The scan's own claim (queued -> running) succeeded: never "skipped".
        assert result.return_value["status"] == ScanStatus.SUCCEEDED
    scans = Scan.objects.all()
    assert {scan.status for scan in scans} == {ScanStatus.SUCCEEDED}
    assert all(scan.started_at is not None and scan.finished_at for scan in scans)
    assert {scan.worker_pid for scan in scans} <= set(pool.pids)  # run there, not here
    snapshots = Snapshot.objects.filter(scan__in=scans)
    assert snapshots.count() == JOBS
    for snapshot in snapshots:
        assert snapshot.data["mode"] == "static"
        assert {app["label"] for app in snapshot.data["apps"]} >= set(APPS)
