"""The desktop launcher under hostile conditions, as named figures printed in JSON.

    .venv/bin/python bench/launcher_hostile.py [--runs 3]

Its rows are also rows of ``bench/hostile.py`` (:func:`measurements`). Real launchers
on a migrated data dir of the example project, with the hostile settings of
``tests/desktop`` (their host preset starts a child and an escaped, double-forked
grandchild, then sleeps):

* ``worker kill -9 → jobs failed``: seconds from ``kill -9`` of the worker during that
  preset run until the run reads ``failed`` through the API (target <= 5);
* ``descendants alive 5 s after worker kill -9``: how many of the worker's descendants
  (listed just before the kill) are still alive 5 s later (target 0);
* ``second launcher on a locked data dir: time to a clear exit``: spawn -> exit 6 of a
  second launcher on a live launcher's data dir (target <= 2).

Standalone, each row is the worst of ``--runs`` (the figure a user could meet).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pathsetup  # noqa: F401
import psutil

from djdesk_electron_kit.exitcodes import ExitCode
from tests.desktop import launching
from tests.desktop.test_desktop_hostile import (
    CREATE_SLEEP_PRESET,
    HOSTILE,
    alive,
    finished,
    log_text,
    request_run,
)

POLL = 0.01
AFTER_KILL_SECONDS = 5.0
KILL_TO_FAILED = "worker kill -9 → jobs failed"
ALIVE_AFTER_KILL = "descendants alive 5 s after worker kill -9"
LOCKED_EXIT = "second launcher on a locked data dir: time to a clear exit"
TARGETS: dict[str, float] = {KILL_TO_FAILED: 5.0, ALIVE_AFTER_KILL: 0, LOCKED_EXIT: 2.0}
UNITS = {KILL_TO_FAILED: "s", ALIVE_AFTER_KILL: "processes", LOCKED_EXIT: "s"}


def _wait(condition: Callable[[], object], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {condition}")
        time.sleep(POLL)


class Scratch:
    """A migrated data dir with the hostile preset, copied fresh for every launch."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="djdesk-launcher-hostile-"))
        self._template: Path | None = None
        self._copies = 0

    def data_dir(self) -> Path:
        if self._template is None:
            self._template = self.root / "template"
            first = launching.launch(self._template)
            first.stop()
            first.cleanup()
            launching.django_script(self._template, CREATE_SLEEP_PRESET, settings=HOSTILE)
        self._copies += 1
        target = self.root / f"data-{self._copies}"
        shutil.copytree(self._template, target, ignore=shutil.ignore_patterns("logs"))
        return target

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def worker_killed_during_a_run(scratch: Scratch) -> dict[str, float]:
    """Both kill -9 figures from one preset run whose worker is killed."""
    launched = launching.launch(scratch.data_dir(), settings=HOSTILE)
    try:
        worker = launching.wait_for(lambda: launched.health()["worker_pid"])
        run_id = request_run(launched, "hostile-sleep")
        _wait(lambda: "ready" in log_text(launched, run_id).split("\n"))
        tree = psutil.Process(worker).children(recursive=True)
        killed = time.perf_counter()
        os.kill(worker, signal.SIGKILL)
        _wait(lambda: finished(launched, run_id), timeout=60)
        failed_after = time.perf_counter() - killed
        time.sleep(max(0.0, killed + AFTER_KILL_SECONDS - time.perf_counter()))
        left = sum(alive(p) for p in tree)
        for proc in tree:
            if alive(proc):
                proc.kill()
        launched.stop()
    finally:
        launched.cleanup()
    return {KILL_TO_FAILED: round(failed_after, 3), ALIVE_AFTER_KILL: left}


def second_launcher_on_a_locked_dir(scratch: Scratch) -> dict[str, float]:
    data_dir = scratch.data_dir()
    first = launching.launch(data_dir)
    try:
        started = time.perf_counter()
        code, _, err = launching.run_to_exit(data_dir)
        seconds = time.perf_counter() - started
        if code != ExitCode.DATA_DIR_LOCKED or f"pid {first.proc.pid}" not in err:
            raise SystemExit(f"the second launcher exited {code}: {err[-500:]}")
        first.stop()
    finally:
        first.cleanup()
    return {LOCKED_EXIT: round(seconds, 3)}


def row(name: str, values: list[float]) -> dict[str, Any]:
    worst = max(values)
    return {
        "value": worst,
        "unit": UNITS[name],
        "target": TARGETS[name],
        "ok": worst <= TARGETS[name],
        "all": values,
    }


def measurements() -> dict[str, Callable[[], dict[str, Any]]]:
    """Rows for ``bench/hostile.py``: name -> function returning the row (one run)."""
    scratch = Scratch()
    atexit.register(scratch.remove)
    killed: dict[str, float] = {}

    def kill_figure(name: str) -> Callable[[], dict[str, Any]]:
        def measure() -> dict[str, Any]:
            if not killed:  # the two kill -9 figures come from one experiment
                killed.update(worker_killed_during_a_run(scratch))
            return row(name, [killed[name]])

        return measure

    return {
        KILL_TO_FAILED: kill_figure(KILL_TO_FAILED),
        ALIVE_AFTER_KILL: kill_figure(ALIVE_AFTER_KILL),
        LOCKED_EXIT: lambda: row(
            LOCKED_EXIT, [second_launcher_on_a_locked_dir(scratch)[LOCKED_EXIT]]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    values: dict[str, list[float]] = {name: [] for name in TARGETS}
    scratch = Scratch()
    try:
        for _ in range(runs):
            for figures in (
                worker_killed_during_a_run(scratch),
                second_launcher_on_a_locked_dir(scratch),
            ):
                for name, value in figures.items():
                    values[name].append(value)
    finally:
        scratch.remove()
    rows = {name: row(name, found) for name, found in values.items()}
    print(
        json.dumps(
            {
                "runs": runs,
                "python": sys.version.split()[0],
                "measurements": rows,
                "all_ok": all(r["ok"] for r in rows.values()),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
