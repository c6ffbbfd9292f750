"""Keep one django-tasks-db worker alive next to the server.

The worker runs in its own process group (``djdesk_inspector.kernel.processes``) so that
stopping it also stops whatever a task started. If it dies, it is restarted after a
growing delay; if it keeps dying within seconds of starting, the supervisor gives up
and the launcher exits with code 5 so the shell can show a crash dialog instead of
an app whose tasks silently never run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import site
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from djdesk_electron_kit import runtime
from djdesk_electron_kit.conf import DesktopSettings
from djdesk_inspector.kernel import processes

logger = logging.getLogger(__name__)

# A worker that lived this long was healthy: its death starts the backoff over.
STABLE_AFTER_SECONDS = 10.0
FIRST_DELAY_SECONDS = 0.5
_WINDOWS = sys.platform == "win32"


@dataclass(frozen=True)
class WorkerSpec:
    argv: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str]
    stop_timeout: float
    max_failures: int
    backoff_max: float


def worker_spec(
    options: DesktopSettings,
    *,
    settings_module: str,
    project_dir: Path,
    data_dir: Path,
    log_dir: Path,
) -> WorkerSpec:
    argv = (
        sys.executable,
        "-m",
        "djdesk_electron_kit.worker",
        "--settings",
        settings_module,
        "--pythonpath",
        str(project_dir),
        "--skip-checks",
        "--no-reload",
        "--no-startup-delay",
        "--queue-name",
        options.WORKER_QUEUES,
        "--interval",
        str(options.WORKER_POLL_INTERVAL),
    )
    env = {key: value for key, value in os.environ.items() if key != runtime.TOKEN_ENV}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(import_path(project_dir, env.get("PYTHONPATH", ""))),
            "DJANGO_SETTINGS_MODULE": settings_module,
            runtime.DATA_DIR_ENV: str(data_dir),
            runtime.LOG_DIR_ENV: str(log_dir),
            runtime.ROLE_ENV: "worker",
        }
    )
    return WorkerSpec(
        argv=argv,
        cwd=project_dir,
        env=env,
        stop_timeout=options.WORKER_STOP_TIMEOUT,
        max_failures=options.WORKER_MAX_FAILURES,
        backoff_max=options.WORKER_BACKOFF_MAX,
    )


def import_path(project_dir: Path, inherited: str) -> list[str]:
    """PYTHONPATH for the worker: the project, and this kit when it runs from a checkout
    (``manage.py`` puts ``src/`` on its own ``sys.path``, which children do not inherit)."""
    kit_root = Path(__file__).resolve().parent.parent
    installed = {Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages())}
    entries = [str(project_dir)]
    if kit_root not in installed:
        entries.append(str(kit_root))
    entries.extend(p for p in inherited.split(os.pathsep) if p and p not in entries)
    return entries


def backoff(failures: int, ceiling: float) -> float:
    """Seconds to wait before restart number ``failures`` (1, 2, ...)."""
    return min(ceiling, FIRST_DELAY_SECONDS * 2 ** max(0, failures - 1))


class Supervisor:
    def __init__(self, spec: WorkerSpec, on_give_up: Callable[[], None]) -> None:
        self.spec = spec
        self.on_give_up = on_give_up
        self.gave_up = False
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._started_at = 0.0
        self._thread: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def start(self) -> int:
        """Start the first worker; OSError when it cannot even be spawned."""
        with self._lock:
            self._spawn()
        self._thread = threading.Thread(target=self._watch, name="djdesk-supervisor", daemon=True)
        self._thread.start()
        assert self._proc is not None
        return self._proc.pid

    def _spawn(self) -> None:
        self._proc = processes.start(
            self.spec.argv,
            cwd=self.spec.cwd,
            env=self.spec.env,
            # The worker's end of this pipe closes when we die: its cue to stop.
            stdin=subprocess.PIPE,
            stdout=sys.__stderr__,
            stderr=None,
        )
        self._started_at = time.monotonic()
        runtime.STATE.worker_pid = self._proc.pid
        logger.info("Tasks worker started, pid %d", self._proc.pid)

    def _watch(self) -> None:
        failures = 0
        while True:
            proc = self._proc
            assert proc is not None
            code = proc.wait()
            if self._stopping.is_set():
                return
            lived = time.monotonic() - self._started_at
            failures = failures + 1 if lived < STABLE_AFTER_SECONDS else 1
            runtime.STATE.worker_pid = None
            logger.warning("Tasks worker %d exited with %s after %.1fs", proc.pid, code, lived)
            if failures >= self.spec.max_failures:
                logger.error("Tasks worker died %d times in a row; giving up", failures)
                self.gave_up = True
                self.on_give_up()
                return
            if self._stopping.wait(backoff(failures, self.spec.backoff_max)):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._spawn()
                except OSError:
                    logger.exception("Could not restart the tasks worker")
                    self.gave_up = True
                    self.on_give_up()
                    return
                runtime.STATE.worker_restarts += 1

    def stop(self) -> None:
        """Stop the worker and its whole tree; waits for it."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is not None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            if proc.poll() is None:
                if _WINDOWS:
                    # No SIGTERM for a group on Windows: the closed stdin asks politely.
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=self.spec.stop_timeout)
                processes.kill_tree(proc, grace=self.spec.stop_timeout)
            proc.wait()
        if self._thread is not None:
            self._thread.join(timeout=self.spec.stop_timeout)
        runtime.STATE.worker_pid = None
