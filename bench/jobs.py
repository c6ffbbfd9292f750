"""Job lifecycle figures: what the kernel's bookkeeping costs per job, on real SQLite.

For the scan and preset-run kinds, with django-tasks-db's DatabaseBackend (no worker):
requests inside one transaction (rows + tasks enqueued at commit), a reap pass over
that many queued jobs whose tasks are still waiting (all kept: one result lookup
each), and the claim -> 10 progress writes -> finish cycle per job (12 autocommit
writes: compare with ``bare_update_ms``, one bare UPDATE on the same file). Rows it
creates are deleted afterwards. Prints JSON. Run: .venv/bin/python bench/jobs.py [COUNT]
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import pathsetup  # noqa: F401

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from djdesk_inspector.kernel import compat, jobs  # noqa: E402
from djdesk_inspector.models import Scan, Workspace  # noqa: E402
from djdesk_inspector.presets.tasks import RUN  # noqa: E402
from djdesk_inspector.tasks import SCAN  # noqa: E402


def per_job(seconds: float, count: int) -> float:
    return round(seconds * 1000 / count, 3)


def measure(kind: jobs.JobKind, fields: Any, count: int) -> dict[str, Any]:
    started = time.perf_counter()
    with transaction.atomic():
        rows = [jobs.request(kind, **fields(i)) for i in range(count)]
    request_s = time.perf_counter() - started
    keys = [row.pk for row in rows]
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        reaped = jobs.reap(kind)
        reap_s = time.perf_counter() - started
    assert reaped == 0, reaped
    started = time.perf_counter()
    for key in keys:
        assert jobs.claim(kind, key)
        progress = jobs.Progress(kind, key)
        for step in range(10):
            progress(step * 10, f"step {step}")
        assert jobs.finish(kind, key)
    cycle_s = time.perf_counter() - started
    kind.rows().filter(pk__in=keys).delete()
    return {
        "kind": kind.name,
        "jobs": count,
        "request_ms_per_job": per_job(request_s, count),
        "reap_pass_ms_per_queued_job": per_job(reap_s, count),
        "reap_queries": len(queries),
        "claim_10_progress_finish_ms_per_job": per_job(cycle_s, count),
    }


def baseline_update_ms(workspace: Workspace, count: int = 50) -> float:
    """One bare autocommit UPDATE of a scan row's progress, for scale (disk sync cost)."""
    scan = Scan.objects.create(workspace=workspace)
    started = time.perf_counter()
    for step in range(count):
        Scan.objects.filter(pk=scan.pk).update(progress=step % 100)
    took = time.perf_counter() - started
    scan.delete()
    return per_job(took, count)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.create(name="Bench jobs", project_path="/nonexistent/bench")
    baseline = baseline_update_ms(workspace)
    before = set(DBTaskResult.objects.values_list("id", flat=True))
    try:
        with override_settings(TASKS={"default": {"BACKEND": compat.DATABASE_BACKEND}}):
            results = [
                measure(SCAN, lambda i: {"workspace": workspace, "kind": "static"}, count),
                measure(
                    RUN,
                    lambda i: {
                        "preset_key": "check",
                        "target": "host",
                        "project_path": "/nonexistent",
                        "interpreter": "/nonexistent/python",
                        "argv": ["check"],
                    },
                    count,
                ),
            ]
    finally:
        workspace.delete()
        DBTaskResult.objects.exclude(id__in=before).delete()
    report = {"database": connection.vendor, "bare_update_ms": baseline, "results": results}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
