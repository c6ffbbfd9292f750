"""Hostile children against the one runner: how fast a job ends, and what survives.

For each hostile fixture (``tests/kernel/hostile.py``: a setsid grandchild holding
stdout, a double fork, SIGTERM ignored, endless output, a child that exits leaving a
holder) and for a Django project whose settings leave a detached sleeper behind:

* ``seconds_to_result``: from the request to the job marked failed/cancelled (or the
  call returning). Target: <= timeout + 3 s, even when a descendant holds the pipe.
* ``alive_5s_after``: recorded descendants still alive 5 s after the timeout/cancel
  moment. Target: 0.

The desktop launcher adds three rows (``bench/launcher_hostile.py``): "worker kill -9
→ jobs failed" (target <= 5 s), "descendants alive 5 s after worker kill -9" (target 0)
and "second launcher on a locked data dir: time to a clear exit" (target <= 2 s).

Measurements are rows of :data:`MEASUREMENTS` (name -> function returning a dict), so
more can be added (``@measurement("name")``). Prints JSON.
Run: .venv/bin/python bench/hostile.py [--only NAME]...
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pathsetup

ROOT = pathsetup.ROOT
WORK = Path(tempfile.mkdtemp(prefix="djdesk-bench-hostile-"))
sys.path.insert(0, str(WORK))
TIMEOUT = 3  # seconds given to every hostile child
AFTER = 5.0  # survivors are counted this long after the timeout/cancel moment
TARGET_SLACK = 3.0

SETTINGS = f"""
from djdesk_inspector.kernel import compat
SECRET_KEY = "bench"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    *([compat.TASKS_APP] if compat.TASKS_APP else []),
    "djdesk_inspector",
    "djdesk_inspector.presets",
]
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": {str(WORK / "bench.sqlite3")!r},
    "OPTIONS": {{"timeout": 20}},
}}}}
TASKS = {{"default": {{"BACKEND": compat.IMMEDIATE_BACKEND}}}}
DJDESK_INSPECTOR = {{"SCAN_TIMEOUT": {TIMEOUT}}}
DJDESK_PRESETS = {{"ALLOWLIST": ["hang"], "BATCH_MS": 50}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
(WORK / "bench_hostile_settings.py").write_text(SETTINGS)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_hostile_settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from djdesk_inspector import scans  # noqa: E402
from djdesk_inspector.kernel import processes  # noqa: E402
from djdesk_inspector.kernel.environment import clean_env  # noqa: E402
from djdesk_inspector.models import Scan, Workspace  # noqa: E402
from djdesk_inspector.presets import runs  # noqa: E402
from djdesk_inspector.presets.models import Preset, TaskRun  # noqa: E402
from tests.kernel import hostile  # noqa: E402

Measurement = Callable[[], dict[str, Any]]
MEASUREMENTS: dict[str, Measurement] = {}


def measurement(name: str) -> Callable[[Measurement], Measurement]:
    """Register a row of the table under ``name``."""

    def register(fn: Measurement) -> Measurement:
        MEASUREMENTS[name] = fn
        return fn

    return register


def _alive_after(pids: Path, moment: float) -> int:
    """Recorded processes alive ``AFTER`` seconds after ``moment`` (then cleaned up)."""
    time.sleep(max(0.0, moment + AFTER - time.monotonic()))
    left = hostile.survivors(pids)
    hostile.kill_survivors(pids)
    return len(left)


def _row(seconds: float, alive: int, **facts: Any) -> dict[str, Any]:
    return {
        "seconds_to_result": round(seconds, 2),
        "target_seconds": TIMEOUT + TARGET_SLACK,
        "alive_5s_after": alive,
        "target_alive": 0,
        "ok": seconds <= TIMEOUT + TARGET_SLACK and alive == 0,
        **facts,
    }


def _run_fixture(fixture: hostile.Fixture) -> dict[str, Any]:
    folder = WORK / "run" / fixture.name
    script, pids = hostile.write_script(folder, fixture)
    started = time.monotonic()
    done = processes.run(
        hostile.argv(script, pids), cwd=folder, env=clean_env(allow=()), timeout=TIMEOUT
    )
    seconds = time.monotonic() - started
    return _row(
        seconds,
        _alive_after(pids, started + TIMEOUT),
        what=fixture.what,
        timed_out=done.timed_out,
        killed=done.killed,
        recorded=len(hostile.recorded(pids)),
    )


for _fixture in hostile.FIXTURES:
    measurement(f"run/{_fixture.name}")(lambda f=_fixture: _run_fixture(f))


def _workspace(name: str, project: Path) -> Workspace:
    return Workspace.objects.create(
        name=name,
        project_path=str(project),
        interpreter_path=sys.executable,
        settings_module=hostile.SETTINGS_MODULE,
        trusted=True,
    )


def _scan(name: str, *, hang: bool) -> dict[str, Any]:
    project = hostile.write_project(WORK / name, hang_at_import=hang)
    workspace = _workspace(name, project)
    started = time.monotonic()
    scan = Scan.objects.get(pk=scans.request_scan(workspace, "live").pk)
    seconds = time.monotonic() - started
    return _row(
        seconds,
        _alive_after(hostile.project_pids(project), started + TIMEOUT),
        what="live scan; settings leave a setsid double-forked sleeper holding the pipes"
        + ("; settings import hangs" if hang else ""),
        status=scan.status,
        error=scan.error[:120],
    )


@measurement("scan/settings_hang")
def scan_hang() -> dict[str, Any]:
    return _scan("scan-hang", hang=True)


@measurement("scan/settings_sleeper")
def scan_sleeper() -> dict[str, Any]:
    return _scan("scan-sleeper", hang=False)


def _preset_workspace(name: str) -> Path:
    project = hostile.write_project(WORK / name)
    _workspace(name, project)
    Preset.objects.get_or_create(
        key="hang", defaults={"label": "Hang", "command": "hang", "timeout": TIMEOUT}
    )
    return project


@measurement("preset/timeout")
def preset_timeout() -> dict[str, Any]:
    project = _preset_workspace("preset-timeout")
    started = time.monotonic()
    run = runs.request_run(target="workspace:preset-timeout", preset="hang", args={})
    final = TaskRun.objects.get(pk=run.pk)
    seconds = time.monotonic() - started
    return _row(
        seconds,
        _alive_after(hostile.project_pids(project), started + TIMEOUT),
        what="preset running the project's `hang` command (setsid grandchild holds stdout)",
        status=final.status,
        timed_out=final.timed_out,
    )


@measurement("preset/cancel")
def preset_cancel() -> dict[str, Any]:
    project = _preset_workspace("preset-cancel")
    holder: dict[str, int] = {}

    def request() -> None:
        try:
            holder["id"] = runs.request_run(
                target="workspace:preset-cancel", preset="hang", args={}
            ).pk
        finally:
            connection.close()

    thread = threading.Thread(target=request)
    thread.start()
    run = None
    while run is None or not run.child_pid:
        time.sleep(0.05)
        run = TaskRun.objects.filter(preset_key="hang", target__contains="preset-cancel").last()
    time.sleep(0.5)  # the command is running and its grandchild started
    cancelled_at = time.monotonic()
    runs.cancel_run(run.pk)
    thread.join(60)
    seconds = time.monotonic() - cancelled_at
    final = TaskRun.objects.get(pk=run.pk)
    row = _row(
        seconds,
        _alive_after(hostile.project_pids(project), cancelled_at),
        what="cancel of the `hang` preset; seconds from the cancel to the run cancelled",
        status=final.status,
    )
    row["target_seconds"] = TARGET_SLACK
    row["ok"] = seconds <= TARGET_SLACK and row["alive_5s_after"] == 0
    return row


# The desktop launcher's rows: real launchers, each on its own data dir, killed
# workers and a locked data dir (bench/launcher_hostile.py, also runnable alone).
_launcher_spec = importlib.util.spec_from_file_location(
    "launcher_hostile", pathsetup.BENCH / "launcher_hostile.py"
)
assert _launcher_spec is not None
assert _launcher_spec.loader is not None
launcher_hostile = importlib.util.module_from_spec(_launcher_spec)
_launcher_spec.loader.exec_module(launcher_hostile)
for _name, _measure in launcher_hostile.measurements().items():
    measurement(_name)(_measure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="run only these rows")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    names = options.only or list(MEASUREMENTS)
    results = {name: MEASUREMENTS[name]() for name in names}
    print(
        json.dumps(
            {
                "timeout_seconds": TIMEOUT,
                "measurements": results,
                "all_ok": all(row.get("ok", True) for row in results.values()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
