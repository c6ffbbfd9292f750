"""A scan queued through django-tasks-rq (RQ over a real Redis), run by a real RQ worker.

django-tasks-rq builds on the ``django_tasks`` backport's base classes; this test runs
wherever the package imports (see docs/team-server.rst for the Django 6 caveat).
"""

from __future__ import annotations

import pytest
from django.db import connection

from djdesk_inspector.models import Scan, ScanStatus, Snapshot
from djdesk_inspector.tasks import run_scan
from tests.teamserver.jobs import APPS, queue_scans
from tests.teamserver.rq_config import QUEUE, rq_settings
from tests.teamserver.services import drain_with_rq_worker, redis_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rq_backend(settings):
    pytest.importorskip("django_tasks_rq", reason="the `rq` extra is not installed")
    url = redis_url()
    settings.TASKS, settings.RQ_QUEUES = rq_settings(url)
    import django_rq

    queue = django_rq.get_queue(QUEUE)
    queue.empty()  # a test Redis database of its own; left-overs of an aborted run go
    yield url
    queue.empty()


def test_a_scan_runs_through_rq_and_a_real_worker(rq_backend, tmp_path):
    (scan,) = queue_scans(tmp_path / "projects", 1)
    assert scan.status == ScanStatus.QUEUED and scan.task_id  # queued in Redis, not run here
    backend = run_scan.using(backend="default")
    assert backend.get_result(scan.task_id).status.name == "READY"

    pool = drain_with_rq_worker(connection.settings_dict["NAME"], rq_backend, log_dir=tmp_path)

    assert pool.returncodes == [0], pool.logs
    scan = Scan.objects.get(pk=scan.pk)
    assert scan.status == ScanStatus.SUCCEEDED, (scan.error, pool.logs)
    snapshot = Snapshot.objects.get(scan=scan)
    assert {app["label"] for app in snapshot.data["apps"]} >= set(APPS)
    result = backend.get_result(scan.task_id)  # read back from Redis by the RQ backend
    assert result.status.name == "SUCCESSFUL"
    assert result.return_value == {
        "scan": scan.pk,
        "status": ScanStatus.SUCCEEDED,
        "snapshot": snapshot.pk,
    }
