"""Queue many real scans at once: one small sample project per workspace.

A workspace has at most one active scan, so N queued jobs need N workspaces. The
scans are static (untrusted workspaces), so a job is quick and executes no project
code, while still going through the real request -> enqueue -> claim -> snapshot path.
"""

from __future__ import annotations

from pathlib import Path

from telemetry import samples

from djdesk_inspector import scans
from djdesk_inspector.models import Scan, ScanKind, Workspace

APPS = ("orders",)


def queue_scans(root: Path, count: int) -> list[Scan]:
    queued = []
    for index in range(count):
        project = root / f"team{index:03d}"
        samples.write_project(
            project,
            name=f"team{index:03d}",
            apps=APPS,
            models_per_app=2,
            migrations_per_app=1,
            with_database=False,
        )
        workspace = Workspace.objects.create(name=f"Team {index}", project_path=str(project))
        queued.append(scans.request_scan(workspace, kind=ScanKind.STATIC))
    return queued
