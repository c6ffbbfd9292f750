"""Start real ``manage.py db_worker`` processes against the test database."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from djdesk_inspector.kernel import processes

REPO = Path(__file__).resolve().parents[2]
WORKER_ARGS = ("db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload")


@contextlib.contextmanager
def db_workers(
    db_path: str | Path, presets: dict[str, Any], *, count: int = 1, log_dir: Path | None = None
) -> Iterator[list[Any]]:
    """``count`` workers polling every 0.1 s; stopped (whole tree) on exit."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DJDESK_WORKER_DB": str(db_path),
        "DJDESK_WORKER_PRESETS": json.dumps(presets),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    procs = []
    logs = []
    try:
        for index in range(count):
            log = (log_dir / f"worker-{index}.log").open("wb") if log_dir else None
            logs.append(log)
            procs.append(
                processes.start(
                    [sys.executable, "-m", "django", *WORKER_ARGS, "--worker-id", f"test-{index}"],
                    cwd=REPO,
                    env=env,
                    stdout=log or subprocess.DEVNULL,
                    stderr=log or subprocess.DEVNULL,
                )
            )
        yield procs
    finally:
        for proc in procs:
            processes.kill_tree(proc)
            proc.wait()
        for log in logs:
            if log:
                log.close()
