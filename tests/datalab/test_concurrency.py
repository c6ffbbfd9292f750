"""Concurrency: exports requested at the same time never share a version or a folder."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from djdesk_inspector.datalab import exports
from djdesk_inspector.datalab.models import Export, ExportStatus
from djdesk_inspector.kernel import compat, processes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
THREADS = 8


def request_together(workspace, templates: list[str]) -> list[str]:
    """Each template requested from its own thread (own DB connection), all released at once."""
    barrier = threading.Barrier(len(templates))
    keys: list[str] = []
    failures: list[BaseException] = []

    def one(template: str) -> None:
        try:
            barrier.wait()
            keys.append(exports.request_export(workspace, template).key)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(t,)) for t in templates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    return keys


def test_simultaneous_exports_get_distinct_versions_and_folders(fleet, export_root):
    templates = ["url-map"] * (THREADS - 2) + ["checks-report"] * 2
    keys = request_together(fleet, templates)
    rows = list(Export.objects.filter(pk__in=keys))
    assert len(rows) == THREADS
    assert all(r.status == ExportStatus.SUCCEEDED for r in rows), [r.error for r in rows]
    versions = sorted(r.version for r in rows if r.template == "url-map")
    assert versions == list(range(1, THREADS - 1))
    assert sorted(r.version for r in rows if r.template == "checks-report") == [1, 2]
    folders = [p for p in (export_root / fleet.slug).iterdir()]
    assert sorted(p.name for p in folders) == sorted(keys)  # no staging or trash left
    for row in rows:
        names = {p.name for p in (export_root / fleet.slug / row.key).iterdir()}
        assert f"fleet-ops-{row.template}-v{row.version}.ipynb" in names


def test_exports_run_in_database_workers_at_the_same_time(fleet, export_root, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.datalab.worker_settings",
        "DJDESK_WORKER_DB": str(connection.settings_dict["NAME"]),
        "DJDESK_WORKER_DATALAB": json.dumps(settings.DJDESK_DATALAB),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    keys = [exports.request_export(fleet, "schema-audit").key for _ in range(4)]
    assert set(Export.objects.values_list("status", flat=True)) == {ExportStatus.QUEUED}
    workers = []
    try:
        for index in range(2):
            log = (tmp_path / f"worker-{index}.log").open("wb")
            workers.append(
                processes.start(
                    [
                        sys.executable,
                        "-m",
                        "django",
                        "db_worker",
                        "--interval",
                        "0.1",
                        "--no-startup-delay",
                        "--no-reload",
                        "--worker-id",
                        f"datalab-{index}",
                    ],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            states = set(Export.objects.filter(pk__in=keys).values_list("status", flat=True))
            if states <= {ExportStatus.SUCCEEDED, ExportStatus.FAILED}:
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            processes.kill_tree(worker)
            worker.wait()
    rows = list(Export.objects.filter(pk__in=keys).order_by("version"))
    logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("worker-*.log"))
    assert [r.status for r in rows] == [ExportStatus.SUCCEEDED] * 4, ([r.error for r in rows], logs)
    assert [r.version for r in rows] == [1, 2, 3, 4]
    assert sorted(p.name for p in (export_root / fleet.slug).iterdir()) == sorted(keys)
