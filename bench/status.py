"""Status API figures: queries, p50/p95 latency at 10 and 1,000 history rows, the demo's
payload size and 304 latency. Prints JSON. Run: .venv/bin/python bench/status.py
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from telemetry import samples  # noqa: E402

from djdesk_inspector.inspection import engine  # noqa: E402
from djdesk_inspector.models import Scan, ScanStatus, Snapshot, Workspace  # noqa: E402
from tests.permissions import signed_in_client  # noqa: E402

RUNS = 300
# The demo's larger sample (example_project/telemetry/management/commands/djdesk_demo.py).
DEMO_SHAPE = {
    "name": "fleetops",
    "apps": ["fleet", "crew", "routes", "cargo", "billing"],
    "models_per_app": 4,
    "migrations_per_app": 2,
    "with_unapplied": True,
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed_gets(client: Client, url: str, headers: dict[str, str] | None = None) -> list[float]:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 304), response.status_code
    return timings


def scenario(client: Client, rows: int, document: dict) -> dict:
    workspace = Workspace.objects.create(
        name=f"bench-{rows}", project_path=tempfile.mkdtemp(prefix="djdesk-bench-ws-")
    )
    scans = Scan.objects.bulk_create(
        [Scan(workspace=workspace, status=ScanStatus.SUCCEEDED, progress=100) for _ in range(rows)]
    )
    Snapshot.objects.bulk_create([Snapshot.for_document(workspace, document, s) for s in scans])
    url = f"/djdesk/api/workspaces/{workspace.slug}/status/"
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    timings = timed_gets(client, url)
    not_modified = timed_gets(client, url, {"If-None-Match": response["ETag"]})
    return {
        "history_rows": rows,
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(percentile(timings, 95), 3),
        "payload_bytes": len(response.content),
        "not_modified_p50_ms": round(statistics.median(not_modified), 3),
        "not_modified_p95_ms": round(percentile(not_modified, 95), 3),
    }


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    project = Path(tempfile.mkdtemp(prefix="djdesk-bench-demo-")) / "fleet-ops"
    samples.write_project(project, **DEMO_SHAPE)
    # A real live scan of a sample this bench wrote itself, hence trusted.
    document = engine.inspect_project(project, kind="live", trusted=True)
    client = signed_in_client()
    results = [scenario(client, rows, document) for rows in (10, 1000)]
    print(
        json.dumps(
            {
                "benchmark": "status",
                "client": "django.test.Client (in process)",
                "requests_per_figure": RUNS,
                "demo_payload_bytes": results[0]["payload_bytes"],
                "targets": {
                    "queries": "<= 6",
                    "p50_ms_at_1000": "<= 5",
                    "demo_payload": "<= 16384",
                },
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
