"""Data lab figures: exporting a 300-model project without execution, and preview renders.

Generates a project of 30 apps x 10 models x 3 migrations, scans it statically
(nothing executed), stores the snapshot, then times the whole export path (row,
task on ImmediateBackend, build, validate, write, atomic publish) per template, and
nbconvert's preview render, cold and warm. One executed export is timed too when
nbclient and ipykernel are installed. Prints JSON. Run: .venv/bin/python bench/datalab.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from telemetry import samples  # noqa: E402

from djdesk_inspector.datalab import exports, preview, registry  # noqa: E402
from djdesk_inspector.inspection import static  # noqa: E402
from djdesk_inspector.models import Snapshot, Workspace  # noqa: E402

RUNS = 5
TARGET_S = 1.0


def timed(function):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="djdesk-bench-datalab-"))
    try:
        project = work / "big"
        samples.write_project(project, apps=30, models_per_app=10, migrations_per_app=3)
        document, scan_s = timed(lambda: static.scan(project))
        workspace = Workspace.objects.create(name="Bench 300", project_path=str(project))
        Snapshot.for_document(workspace, document).save()
        settings = {"EXPORT_ROOT": str(work / "exports"), "EXECUTE": False}
        results = []
        last = {}
        with override_settings(DJDESK_DATALAB=settings):
            for template in registry.all_templates():
                seconds = []
                for _ in range(RUNS):
                    export, took = timed(
                        lambda t=template: exports.request_export(workspace, t.slug)
                    )
                    assert export.status == "succeeded", export.error
                    seconds.append(took)
                last[template.slug] = export
                results.append(
                    {
                        "template": template.slug,
                        "p50_s": round(statistics.median(seconds), 4),
                        "max_s": round(max(seconds), 4),
                        "size_bytes": export.size_bytes,
                        "timings_ms": export.timings,
                    }
                )
            folder = work / "exports" / workspace.slug
            cold_export, warm_export = last["schema-audit"], last["migrations-review"]

            def notebook(export):  # type: ignore[no-untyped-def]
                return folder / export.key / exports.notebook_name(export, workspace.slug)

            _, cold_s = timed(lambda: preview.render(notebook(cold_export), "cold"))
            _, warm_s = timed(lambda: preview.render(notebook(warm_export), "warm"))
            _, cached_s = timed(lambda: preview.render(notebook(warm_export), "warm"))
            executed = None
            if find_spec("nbclient") and find_spec("ipykernel"):
                with override_settings(DJDESK_DATALAB={**settings, "EXECUTE": True}):
                    export, took = timed(lambda: exports.request_export(workspace, "schema-audit"))
                executed = {
                    "template": "schema-audit",
                    "execution": export.execution,
                    "total_s": round(took, 3),
                    "timings_ms": export.timings,
                }
        slowest = max(r["max_s"] for r in results)
        print(
            json.dumps(
                {
                    "benchmark": "datalab",
                    "project": {
                        "apps": 30,
                        "models_per_app": 10,
                        "migrations_per_app": 3,
                        "models": len(document["models"]),
                    },
                    "static_scan_s": round(scan_s, 3),
                    "runs_per_template": RUNS,
                    "targets": {"export_without_execution_s": f"<= {TARGET_S}"},
                    "export_without_execution": results,
                    "slowest_export_s": round(slowest, 4),
                    "meets_target": slowest <= TARGET_S,
                    "preview": {
                        "renderer": "nbconvert" if preview.nbconvert_available() else "plain",
                        "cold_s": round(cold_s, 3),
                        "warm_s": round(warm_s, 3),
                        "cached_s": round(cached_s, 5),
                    },
                    "executed_export": executed,
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
