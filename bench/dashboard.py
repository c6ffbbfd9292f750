"""Dashboard figures, in Debian's Chromium against a live server with scanned samples.

- ERD first frame for a 300-model project (30 apps x 10 models; starts as the app
  overview): navigation start until the schema canvas reports its first frame.
- The smallest rendered model-name font at the default zoom for a 50-model project.
- axe-core serious/critical violations on every page (dashboard, wizard, runs, data
  lab, docs), and elements with hidden horizontal overflow at 1280x800 and 1920x1080.

Prints JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop lives in this thread.

import django  # noqa: E402

django.setup()

from telemetry import samples  # noqa: E402

from djdesk_inspector.inspection import static  # noqa: E402
from djdesk_inspector.models import Snapshot, Workspace  # noqa: E402
from tests.browser import pages  # noqa: E402

RUNS = 5
CY = "document.querySelector('[data-testid=schema-canvas]').cy"


def scanned(root: Path, name: str, **shape: object) -> Workspace:
    samples.write_project(root, migrations_per_app=1, **shape)  # type: ignore[arg-type]
    workspace = Workspace.objects.create(name=name, project_path=str(root))
    Snapshot.for_document(workspace, static.scan(root)).save()
    return workspace


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="djdesk-dashboard-bench-"))
    with pages.live_site(tmp) as (base, site, context):
        big = scanned(tmp / "big", "Big", apps=30, models_per_app=10)
        fifty = scanned(tmp / "fifty", "Fifty", apps=5, models_per_app=10)
        page = context.new_page()
        page.set_viewport_size({"width": 1400, "height": 1000})

        first_frames, draws = [], []
        for _ in range(RUNS):
            page.goto(f"{base}/djdesk/w/{big.slug}/")
            canvas = page.locator('[data-testid="schema-canvas"][data-drawn-at]')
            canvas.wait_for(timeout=60_000)
            first_frames.append(float(canvas.get_attribute("data-drawn-at") or "nan"))
            draws.append(float(canvas.get_attribute("data-draw-ms") or "nan"))
        groups = int(page.locator('[data-testid="schema-canvas"]').get_attribute("data-groups"))

        page.set_viewport_size(pages.SIZES[0])
        page.goto(f"{base}/djdesk/w/{fifty.slug}/")
        page.locator('[data-testid="schema-canvas"][data-nodes]').wait_for()
        models, smallest = page.evaluate(
            f"() => {{ const cy = {CY}; const n = cy.nodes('.model'); return [n.length,"
            " Math.min(...n.map(m => parseFloat(m.style('font-size')) * cy.zoom()))]; }"
        )

        axe: dict[str, list[str]] = {}
        overflow: dict[str, dict[str, list[str]]] = {}
        for size in pages.SIZES:
            key = f"{size['width']}x{size['height']}"
            page.set_viewport_size(size)
            overflow[key] = {}
            for name, path in site.urls.items():
                page.goto(base + path)
                pages.settle(page, name)
                overflow[key][name] = pages.hidden_overflow(page)
                if size == pages.SIZES[0]:
                    axe[name] = pages.axe_violations(page)
        page.emulate_media(color_scheme="dark")
        page.goto(base + site.urls["dashboard"])
        pages.settle(page, "dashboard")
        axe["dashboard (dark)"] = pages.axe_violations(page)

    print(
        json.dumps(
            {
                "benchmark": "dashboard",
                "erd_300_models": {
                    "apps_in_overview": groups,
                    "runs": RUNS,
                    "navigation_to_first_frame_ms_median": round(
                        statistics.median(first_frames), 1
                    ),
                    "navigation_to_first_frame_ms_runs": [round(t, 1) for t in first_frames],
                    "graph_build_and_draw_ms_median": round(statistics.median(draws), 1),
                    "target_ms": 1500,
                },
                "erd_50_models": {
                    "models": models,
                    "smallest_model_name_px_at_default_zoom": round(smallest, 2),
                    "target_px": 11,
                },
                "axe_serious_or_critical": sum(len(v) for v in axe.values()),
                "axe_by_page": axe,
                "hidden_overflow_1280x800": sum(len(v) for v in overflow["1280x800"].values()),
                "hidden_overflow_1920x1080": sum(len(v) for v in overflow["1920x1080"].values()),
                "hidden_overflow_elements": {k: v for k, v in overflow.items() if any(v.values())},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
