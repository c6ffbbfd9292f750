"""Data lab fixtures: the demo's sample projects, written and scanned for real once."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from telemetry import samples

from djdesk_inspector.inspection import engine
from djdesk_inspector.kernel import compat

DEMO_COMMAND = (
    Path(__file__).resolve().parents[2]
    / "example_project/telemetry/management/commands/djdesk_demo.py"
)
DUMMY_BACKEND = compat.IMMEDIATE_BACKEND.replace("immediate.ImmediateBackend", "dummy.DummyBackend")
TEMPLATES = ("schema-audit", "migrations-review", "checks-report", "url-map", "log-study")


@functools.cache
def demo_samples() -> tuple[Any, ...]:
    """``SAMPLES`` of the demo command, loaded from its file (example_project is no package here)."""
    spec = importlib.util.spec_from_file_location("djdesk_demo_command", DEMO_COMMAND)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return tuple(module.SAMPLES)


@pytest.fixture(scope="session")
def demo_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each demo sample on disk, with a real live scan and a real static scan of it."""
    found = {}
    for sample in demo_samples():
        root = tmp_path_factory.mktemp("datalab-demo") / sample.folder
        samples.write_demo_project(root, **sample.shape)
        found[sample.folder] = {
            "name": sample.name,
            "root": root,
            "live": engine.inspect_project(
                root, kind="live", trusted=True, interpreter=sys.executable
            ),
            "static": engine.inspect_project(root, kind="static"),
        }
    return found


@pytest.fixture(autouse=True)
def _datalab_settings(settings, tmp_path: Path) -> None:
    """Exports go to a fresh folder; execution is opted into by the tests that need it."""
    settings.DJDESK_DATALAB = {"EXPORT_ROOT": str(tmp_path / "exports"), "EXECUTE": False}


@pytest.fixture
def queued_only(settings) -> None:
    """Exports are stored and enqueued, never run: the test decides when."""
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """``with committed():`` commits the block's work as far as the kernel can tell.

    Exports are enqueued once their transaction commits, and the test's own transaction
    never does; this runs the callbacks the block registered, as a real commit would.
    """
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def export_root(settings) -> Path:
    return Path(settings.DJDESK_DATALAB["EXPORT_ROOT"])


@pytest.fixture
def make_workspace(db, tmp_path: Path) -> Any:
    """A workspace with one snapshot of ``document`` (the project folder is the scanned one)."""
    from djdesk_inspector.models import Snapshot, Workspace

    def make(document: dict[str, Any], name: str = "Fleet Ops") -> Workspace:
        workspace = Workspace.objects.create(
            name=name,
            project_path=str(tmp_path / f"project-{Workspace.objects.count()}"),
            trusted=True,  # notebook runs execute code: only for a trusted workspace
        )
        Snapshot.for_document(workspace, document).save()
        return workspace

    return make


@pytest.fixture
def fleet(demo_documents: dict[str, dict[str, Any]], make_workspace: Any) -> Any:
    """The demo's larger sample, live-scanned, as a workspace."""
    return make_workspace(demo_documents["fleet-ops"]["live"], "Fleet Ops")
