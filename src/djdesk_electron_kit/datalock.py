"""One launcher per data dir: an OS file lock, and the holder's pid next to it.

Two launchers on one data dir would each run a worker (both claiming the same tasks)
and, worse, the second could back up and restore the database file underneath the
first while migrating. So the launcher takes ``<data dir>/launcher.lock`` before it
touches the database and keeps it until it exits; the OS drops the lock when the
process dies, however it dies (``kill -9`` included), so a stale lock cannot exist.

The lock file itself stays empty (Windows forbids reading a locked file); the holder
writes its pid to ``launcher.pid`` beside it, so a second launcher can name who holds
the folder. :mod:`.migrations_guard` refuses to back up or restore without the lock.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = "launcher.lock"
PID_NAME = "launcher.pid"
# The holder writes its pid right after locking: a second launcher that lost the race
# by microseconds waits this long for the pid to appear before calling it unknown.
PID_WAIT_SECONDS = 1.0
_PID_POLL = 0.05


class DataDirLocked(Exception):
    """Another live process holds the data dir; ``holder`` is its pid when known."""

    def __init__(self, folder: Path, holder: int | None) -> None:
        self.folder = folder
        self.holder = holder
        who = f"pid {holder}" if holder else "a process whose pid could not be read"
        super().__init__(f"the data folder {folder} is in use by another launcher ({who})")


class LockNotHeld(RuntimeError):
    """Something that needs exclusive use of the data dir ran without the lock."""


def read_pid(folder: Path) -> int | None:
    try:
        text = (folder / PID_NAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def _write_pid(folder: Path) -> None:
    target = folder / PID_NAME
    temp = target.with_name(f".{PID_NAME}.{os.getpid()}.tmp")
    temp.write_text(f"{os.getpid()}\n", encoding="ascii")
    os.replace(temp, target)


class DataDirLock:
    """The exclusive claim of one process on one data dir."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = FileLock(folder / LOCK_NAME, timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)

    def acquire(self) -> None:
        """Take the lock at once or raise :class:`DataDirLocked` (never waits for it)."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise DataDirLocked(self.folder, self._holder()) from None
        _write_pid(self.folder)

    def _holder(self) -> int | None:
        """The pid in ``launcher.pid``, waiting briefly while it still names no live
        process (the holder may have locked a moment ago and not written it yet)."""
        deadline = time.monotonic() + PID_WAIT_SECONDS
        while True:
            pid = read_pid(self.folder)
            if pid is not None and pid != os.getpid() and _alive(pid):
                return pid
            if time.monotonic() >= deadline:
                return None
            time.sleep(_PID_POLL)

    def require(self, what: str) -> None:
        """:class:`LockNotHeld` unless this process holds the lock."""
        if not self.held:
            raise LockNotHeld(f"{what} needs the data dir lock on {self.folder}")

    def release(self) -> None:
        if not self.held:
            return
        if read_pid(self.folder) == os.getpid():
            with contextlib.suppress(OSError):
                (self.folder / PID_NAME).unlink()
        self._lock.release(force=True)


def _alive(pid: int) -> bool:
    from djdesk_inspector.kernel.processes import pid_alive

    return pid_alive(pid)
