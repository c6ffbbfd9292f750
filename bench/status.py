"""Status API figures: queries, p50/p95 latency at 10 and 1,000 history rows, payload bytes,
304 latency. Prints JSON. Run: python bench/status.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("DJDESK_TEST_VAR", tempfile.mkdtemp(prefix="djdesk-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from djdesk_inspector.inspection import insights, samples, static  # noqa: E402
from djdesk_inspector.models import Scan, ScanStatus, Snapshot, Workspace  # noqa: E402

RUNS = 300


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(client: Client, url: str, headers: dict[str, str] | None = None) -> list[float]:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def scenario(client: Client, rows: int, document: dict) -> dict:
    workspace = Workspace.objects.create(
        name=f"bench-{rows}", project_path=tempfile.mkdtemp(prefix="djdesk-bench-ws-")
    )
    scans = Scan.objects.bulk_create(
        [Scan(workspace=workspace, status=ScanStatus.SUCCEEDED, progress=100) for _ in range(rows)]
    )
    summary = insights.summarize(document)
    Snapshot.objects.bulk_create(
        [
            Snapshot(workspace=workspace, scan=s, mode=document["mode"], data=document, summary=summary)
            for s in scans
        ]
    )
    url = f"/djdesk/api/workspaces/{workspace.slug}/status/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timings = measure(client, url)
    not_modified = measure(client, url, {"If-None-Match": response["ETag"]})
    return {
        "rows": rows,
        "queries": len(queries.captured_queries),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(percentile(timings, 95), 3),
        "payload_bytes": len(response.content),
        "not_modified_p50_ms": round(statistics.median(not_modified), 3),
    }


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    project = samples.write_demo_project(Path(tempfile.mkdtemp(prefix="djdesk-bench-proj-")))
    document = static.scan(project)
    client = Client()
    results = [scenario(client, rows, document) for rows in (10, 1000)]
    print(json.dumps({"benchmark": "status", "runs_per_figure": RUNS, "results": results}, indent=2))


if __name__ == "__main__":
    main()
