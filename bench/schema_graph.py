"""Schema graph figure: time to draw a 300-model project's graph in Chromium.

Generates a project of 30 apps x 10 models, scans it statically (nothing executed),
stores the snapshot, serves the dashboard and measures, in Debian's Chromium, the time
from navigation start until the graph's canvas reports it has drawn. Prints JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop lives in this thread.

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from telemetry import samples  # noqa: E402

from djdesk_inspector.inspection import static  # noqa: E402
from djdesk_inspector.models import Snapshot, Workspace  # noqa: E402

RUNS = 5
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    call_command("migrate", verbosity=0)
    project = Path(tempfile.mkdtemp(prefix="djdesk-graph-")) / "big"
    samples.write_project(project, apps=30, models_per_app=10, migrations_per_app=3)
    document = static.scan(project)
    workspace = Workspace.objects.create(name="big", project_path=str(project))
    Snapshot.for_document(workspace, document).save()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    url = f"http://127.0.0.1:{server.port}/djdesk/w/{workspace.slug}/"
    totals, draws, nodes, phases = [], [], 0, []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for _ in range(RUNS):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            canvas = page.locator('[data-testid="schema-canvas"][data-drawn-at]')
            canvas.wait_for(timeout=30_000)
            totals.append(float(canvas.get_attribute("data-drawn-at") or "nan"))
            draws.append(float(canvas.get_attribute("data-draw-ms") or "nan"))
            nodes = int(canvas.get_attribute("data-nodes") or 0)
            phases.append(
                page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return {response_end: n.responseEnd, dom_content_loaded: n.domContentLoadedEventEnd}; }"
                )
            )
            page.close()
        browser.close()
    server.terminate()
    print(
        json.dumps(
            {
                "benchmark": "schema_graph",
                "models_drawn": nodes,
                "runs": RUNS,
                "graph_draw_ms_median": round(statistics.median(draws), 1),
                "navigation_start_to_first_frame_ms_median": round(statistics.median(totals), 1),
                "navigation_start_to_first_frame_ms_runs": [round(t, 1) for t in totals],
                "target_ms": 1500,
                "phases_ms": [{k: round(v, 1) for k, v in p.items()} for p in phases],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
