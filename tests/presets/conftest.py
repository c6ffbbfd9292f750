"""Presets fixtures: a real project on disk, as a workspace and as the host target."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from djdesk_inspector.kernel import compat
from tests.presets.projects import SNAPSHOT, write_project

TEST_COMMANDS = ("printenv", "printsecret", "chatty", "sleeper", "touchfile")
ALLOWLIST = (
    "check",
    "showmigrations",
    "makemigrations",
    "sqlmigrate",
    "diffsettings",
    "inspectdb",
    *TEST_COMMANDS,
)
DUMMY_BACKEND = compat.IMMEDIATE_BACKEND.replace("immediate.ImmediateBackend", "dummy.DummyBackend")


@pytest.fixture(autouse=True)
def _presets_settings(settings) -> None:
    settings.DJDESK_PRESETS = {"ALLOWLIST": list(ALLOWLIST), "BATCH_MS": 50}
    settings.ROOT_URLCONF = "tests.presets.urls"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of the shop project per test (runs may write marker files into it)."""
    return write_project(tmp_path)


@pytest.fixture
def workspace(shop: Path) -> Any:
    from djdesk_inspector.models import Snapshot, Workspace

    ws = Workspace.objects.create(
        name="Shop",
        project_path=str(shop),
        interpreter_path=sys.executable,
        settings_module="shopproj.settings",
        trusted=True,  # presets run the project's code: only on a trusted workspace
    )
    Snapshot.objects.create(workspace=ws, mode="static", data=SNAPSHOT, summary={})
    return ws


@pytest.fixture
def host_project(shop: Path, settings) -> Path:
    """Make the shop project the host target (BASE_DIR and settings module)."""
    settings.BASE_DIR = shop
    settings.SETTINGS_MODULE = "shopproj.settings"
    return shop


@pytest.fixture
def make_preset(db) -> Any:
    from djdesk_inspector.presets.models import Preset

    def make(key: str, command: str, **fields: Any) -> Preset:
        return Preset.objects.create(key=key, label=key.title(), command=command, **fields)

    return make


@pytest.fixture
def dummy_backend(settings) -> None:
    """Runs are stored and enqueued but not executed: the test runs them itself."""
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}


def wait_for(predicate: Any, timeout: float = 10.0, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def log_text(run_id: int) -> str:
    from djdesk_inspector.presets.models import TaskRunLogLine

    return "\n".join(
        TaskRunLogLine.objects.filter(run_id=run_id).order_by("seq").values_list("text", flat=True)
    )


def pid_gone(pid: int) -> bool:
    """True once ``pid`` no longer runs (a zombie awaiting its reaper counts as gone)."""
    from djdesk_inspector.kernel import processes

    if not processes.pid_alive(pid):
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
