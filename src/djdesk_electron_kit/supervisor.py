"""Keep one django-tasks-db worker alive next to the server.

The worker runs in its own process group (``djdesk_inspector.kernel.processes``) so that
stopping it also stops whatever a task started. If it dies, it is restarted after a
growing delay; if it keeps dying within seconds of starting, the supervisor gives up
and the launcher exits with code 5 so the shell can show a crash dialog instead of
an app whose tasks silently never run.

A worker that dies (``kill -9``, a crash) leaves its children behind: a task's
``manage.py`` runs in a session of its own and a double-forked grandchild left the
tree long ago. They are re-parented the moment the worker dies, so no parent link
leads to them any more. Two ways to still find them:

* on Linux the launcher is a child subreaper (and so is the worker): whatever the
  dead worker orphans is re-parented to the launcher and found among its children,
  in a session other than the launcher's own (:func:`orphans`);
* where that is unavailable (``snapshot=True``), the supervisor records the worker's
  descendants (:func:`djdesk_inspector.kernel.proctree.descendants`) every
  :data:`SNAPSHOT_SECONDS` while it runs. That walk reads every process on the
  machine, so it is skipped where the subreaper makes it unnecessary.

On the worker's death those are killed first, then ``on_death(pid, reason)`` marks its
jobs failed (the launcher calls every app's reaper), and only then is the worker
restarted.
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil

from djdesk_electron_kit import runtime
from djdesk_electron_kit.conf import DesktopSettings
from djdesk_inspector.kernel import processes, proctree

logger = logging.getLogger(__name__)

# A worker that lived this long was healthy: its death starts the backoff over.
STABLE_AFTER_SECONDS = 10.0
FIRST_DELAY_SECONDS = 0.5
# How often the worker's descendants are recorded while it runs.
SNAPSHOT_SECONDS = 0.5
# SIGTERM-to-SIGKILL delay for what a dead worker left behind (its jobs are lost anyway).
LEFTOVER_GRACE_SECONDS = 1.0
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
    return float(min(ceiling, FIRST_DELAY_SECONDS * 2 ** max(0, failures - 1)))


def death_reason(code: int) -> str:
    """What the worker's jobs are failed with: ``The tasks worker died (signal 9)``."""
    if code < 0:
        return f"The tasks worker died (signal {-code})"
    return f"The tasks worker died (exit code {code})"


def orphans(exclude: Iterable[int] = ()) -> list[psutil.Process]:
    """Children of this (subreaper) process that it never started itself.

    A process re-parented to us from a dead worker's tree lives in a session other
    than ours (the worker and each task child start new sessions), while what the
    server spawns in-process (``git``, a docs build) shares our session. POSIX only.
    """
    if _WINDOWS:
        return []
    skip = set(exclude)
    own_session = os.getsid(0)
    found = []
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process().children():
            if child.pid in skip:
                continue
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(child.pid) != own_session:
                    found.append(child)
    return found


def _reap_adopted(pids: Iterable[int]) -> None:
    """Collect the exit status of killed processes re-parented to us (nobody else will)."""
    if _WINDOWS:
        return
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


class Supervisor:
    def __init__(
        self,
        spec: WorkerSpec,
        on_give_up: Callable[[], None],
        on_death: Callable[[int, str], None] | None = None,
        *,
        snapshot: bool = True,
    ) -> None:
        self.spec = spec
        self.on_give_up = on_give_up
        self.on_death = on_death
        self.snapshot = snapshot
        self.gave_up = False
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._started_at = 0.0
        self._thread: threading.Thread | None = None
        # Every descendant seen while the current worker ran (pid-reuse safe objects).
        self._seen: dict[int, psutil.Process] = {}

    @property
    def tracked(self) -> frozenset[int]:
        """Pids of the worker's descendants recorded so far (``snapshot=True``)."""
        return frozenset(self._seen)

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
        self._seen = {}
        runtime.STATE.worker_pid = self._proc.pid
        logger.info("Tasks worker started, pid %d", self._proc.pid)

    def _snapshot(self, pid: int) -> None:
        """Remember the worker's live descendants; forget the ones that are gone.

        Built aside and swapped in whole: :meth:`stop` may read it from another thread.
        """
        seen = dict(self._seen)
        for child in proctree.descendants(pid):
            if child not in seen:
                with contextlib.suppress(psutil.Error):
                    seen[child] = psutil.Process(child)
        self._seen = {p: proc for p, proc in seen.items() if proc.is_running()}

    def _leftovers(self, worker: int) -> list[int]:
        """Pids a dead (or stopping) worker leaves: known descendants, current ones,
        and orphans re-parented to this process."""
        found = {p for p, proc in dict(self._seen).items() if proc.is_running()}
        found.update(proctree.descendants(worker))
        found.update(child.pid for child in orphans(exclude=(worker,)))
        found.discard(worker)
        found.discard(os.getpid())
        return sorted(found)

    def _kill_leftovers(self, worker: int) -> int:
        leftovers = self._leftovers(worker)
        if leftovers:
            logger.warning("Killing %d process(es) left by worker %d", len(leftovers), worker)
        proctree.kill_tree(worker, grace=LEFTOVER_GRACE_SECONDS, also=leftovers)
        _reap_adopted(leftovers)
        self._seen = {}
        return len(leftovers)

    def _after_death(self, worker: int, code: int) -> None:
        """Kill what the dead worker left, then fail its jobs (never raises)."""
        try:
            self._kill_leftovers(worker)
        except Exception:
            logger.exception("Could not kill what worker %d left behind", worker)
        if self.on_death is None:
            return
        try:
            self.on_death(worker, death_reason(code))
        except Exception:
            logger.exception("Could not mark the dead worker's jobs as failed")

    def _wait(self, proc: subprocess.Popen[bytes]) -> int:
        """Wait for the worker to exit, snapshotting its tree meanwhile if asked to."""
        if not self.snapshot:
            return proc.wait()
        while True:
            try:
                return proc.wait(timeout=SNAPSHOT_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if self._stopping.is_set():
                return proc.wait()
            try:
                self._snapshot(proc.pid)
            except Exception:  # a snapshot must never kill supervision
                logger.exception("Could not list the worker's processes")

    def _watch(self) -> None:
        failures = 0
        while True:
            proc = self._proc
            assert proc is not None
            code = self._wait(proc)
            if self._stopping.is_set():
                return
            lived = time.monotonic() - self._started_at
            failures = failures + 1 if lived < STABLE_AFTER_SECONDS else 1
            runtime.STATE.worker_pid = None
            logger.warning("Tasks worker %d exited with %s after %.1fs", proc.pid, code, lived)
            self._after_death(proc.pid, code)
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
        """Stop the worker and its whole tree (task children in other sessions too)."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is not None:
            leftovers: list[int] = []
            with contextlib.suppress(Exception):
                leftovers = self._leftovers(proc.pid)
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
            try:
                proctree.kill_tree(proc.pid, grace=LEFTOVER_GRACE_SECONDS, also=leftovers)
                _reap_adopted(leftovers)
            except Exception:
                logger.exception("Could not kill what worker %d left behind", proc.pid)
        if self._thread is not None:
            self._thread.join(timeout=self.spec.stop_timeout)
        runtime.STATE.worker_pid = None
