"""Access-control fixtures: one real workspace with a scan, a task run and an export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from djdesk_inspector import scans
from djdesk_inspector.datalab.models import Export
from djdesk_inspector.models import Rehearsal, RehearsalStatus, ScanKind, Workspace
from djdesk_inspector.presets.models import TaskRun


@dataclass(frozen=True)
class World:
    workspace: Workspace
    run: TaskRun
    export: Export
    rehearsal: Rehearsal

    def values(self) -> dict[str, str]:
        """What fills each path parameter of the URLconf."""
        return {
            "slug": self.workspace.slug,
            "run_id": str(self.run.pk),
            "rehearsal_id": str(self.rehearsal.pk),
            "export_id": self.export.pk.hex,
            "label": "auth.User",
            "path": "index.html",
            "rest": "no/such/endpoint/",
        }


@pytest.fixture
def world(db: None, minimal_project: Path, django_capture_on_commit_callbacks) -> World:  # type: ignore[no-untyped-def]
    workspace = Workspace.objects.create(name="Guarded", project_path=str(minimal_project))
    for _ in range(2):  # two real static scans (immediate backend), so a diff has both ends
        with django_capture_on_commit_callbacks(execute=True):
            scans.request_scan(workspace, ScanKind.STATIC)
    rehearsal = Rehearsal.objects.create(workspace=workspace, status=RehearsalStatus.SUCCEEDED)
    run = TaskRun.objects.create(
        preset_key="check", target="host", project_path=str(minimal_project), interpreter="/x"
    )
    export = Export.objects.create(workspace=workspace, template="schema-audit", version=1)
    return World(workspace, run, export, rehearsal)
