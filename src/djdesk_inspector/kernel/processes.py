"""Start child processes in their own process group and stop the whole tree.

Shared by scans, the task-preset runner and the desktop launcher. A Django project
can start grandchildren (autoreloaders, workers, ``runserver`` helpers); killing only
the direct child would leave them running and holding our pipes open, so every child
is a process-group leader and :func:`kill_tree` signals the group.

Two levels of API:

* :func:`run` - run to completion with a timeout and byte caps, collecting both
  streams (what scans use).
* :func:`start` + :func:`kill_tree` - the building blocks for anything that needs to
  stream. A line-streaming runner (task presets) looks like::

      proc = processes.start(argv, cwd=cwd, env=env, stderr=subprocess.STDOUT)
      try:
          for raw in iter(proc.stdout.readline, b""):   # read in a thread if you
              store(redact(raw.decode("utf-8", "replace")))  # need a deadline
              if cancelled() or past_deadline():
                  processes.kill_tree(proc)
                  break
      finally:
          if proc.poll() is None:
              processes.kill_tree(proc)
          proc.wait()

Never a shell: ``argv`` is always a list handed to the OS as-is.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

DEFAULT_LIMIT_BYTES = 4_000_000
# How long a tree gets to exit after the polite signal before it is killed.
GRACE_SECONDS = 2.0
_CHUNK = 65536
_WINDOWS = sys.platform == "win32"


@dataclass(frozen=True)
class Completed:
    """The outcome of :func:`run`.

    ``stdout`` keeps the *first* ``limit_bytes`` (a document is read from the start),
    ``stderr`` keeps the *last* ones (a traceback ends there). ``returncode`` is the
    child's (negative for a signal on POSIX).
    """

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
    truncated: bool
    duration: float


def popen_kwargs() -> dict[str, Any]:
    """Keyword arguments that make a new child the leader of its own group/session."""
    if _WINDOWS:
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)
        flags |= getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)
        return {"creationflags": flags}
    return {"start_new_session": True}


def start(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str],
    stdin: int | IO[Any] | None = subprocess.DEVNULL,
    stdout: int | IO[Any] | None = subprocess.PIPE,
    stderr: int | IO[Any] | None = subprocess.PIPE,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` (no shell) as the leader of a new process group, binary pipes.

    Pass ``stderr=subprocess.STDOUT`` to read one merged stream. The caller owns the
    process: stop it with :func:`kill_tree` and always ``wait()`` for it.
    """
    return subprocess.Popen(  # an argv list, never a shell
        [os.fspath(a) for a in argv],
        cwd=os.fspath(cwd),
        env=dict(env),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        **popen_kwargs(),
    )


def kill_tree(proc: subprocess.Popen[Any], *, grace: float = GRACE_SECONDS) -> None:
    """Stop ``proc`` and every process in its group; safe to call more than once.

    POSIX: SIGTERM to the group, up to ``grace`` seconds for the leader to exit, then
    SIGKILL to the group (grandchildren that ignored SIGTERM or outlived the leader).
    Windows: ``taskkill /T /F`` on the tree, then ``Popen.kill`` as a fallback.
    Only valid for processes started by :func:`start` (they lead their own group).
    """
    if _WINDOWS:
        if proc.poll() is None:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(
                    ["taskkill", "/T", "/F", "/PID", str(proc.pid)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=30,
                    check=False,
                )
            with contextlib.suppress(OSError):
                proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
        return
    _signal_group(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    # The leader may be gone while group members live on: always finish the group.
    _signal_group(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def pid_alive(pid: int | None) -> bool:
    """True while a process with ``pid`` exists on this machine (used to spot dead workers).

    Never signals the process: on Windows ``os.kill`` would terminate it, so the
    process is opened for a query instead.
    """
    if not pid or pid <= 0:
        return False
    if _WINDOWS:
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it just is not ours
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # ERROR_ACCESS_DENIED: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return False
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _signal_group(pgid: int, sig: int) -> None:
    # ESRCH: nothing left in the group. EPERM: macOS when only zombies remain.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class _Capture:
    """Bytes read from one stream, capped at ``limit`` (head or tail kept)."""

    def __init__(self, limit: int, *, keep_tail: bool) -> None:
        self.limit = max(0, limit)
        self.keep_tail = keep_tail
        self.data = bytearray()
        self.truncated = False

    def add(self, chunk: bytes) -> None:
        if self.keep_tail:
            self.data += chunk
            if len(self.data) > self.limit:
                del self.data[: len(self.data) - self.limit]
                self.truncated = True
        elif len(self.data) < self.limit:
            room = self.limit - len(self.data)
            self.data += chunk[:room]
            self.truncated = self.truncated or len(chunk) > room
        elif chunk:
            self.truncated = True  # keep draining so the child never blocks on a full pipe

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def _pump(stream: IO[bytes], capture: _Capture, lines: queue.Queue[str | None] | None) -> None:
    pending = b""
    read = getattr(stream, "read1", stream.read)
    try:
        while chunk := read(_CHUNK):
            capture.add(chunk)
            if lines is not None:
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    lines.put(raw.decode("utf-8", "replace").rstrip("\r"))
    except (OSError, ValueError):
        pass  # the pipe was closed under us after a kill
    finally:
        if lines is not None:
            if pending:
                lines.put(pending.decode("utf-8", "replace"))
            lines.put(None)


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | Path,
    env: Mapping[str, str],
    timeout: float,
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    on_stderr_line: Callable[[str], None] | None = None,
) -> Completed:
    """Run ``argv`` to completion; kill the whole tree when ``timeout`` passes.

    Both pipes are drained by threads, so a chatty child can never deadlock on a full
    pipe; bytes past ``limit_bytes`` per stream are dropped and ``truncated`` is set.
    The run ends when the child has exited *and* its streams have closed, so a
    grandchild that keeps them open is killed at the deadline as well.

    ``on_stderr_line`` is called **in the calling thread** for each stderr line as it
    arrives (scans use it for progress; it may touch the database). If it raises,
    the tree is killed and the exception propagates.
    """
    started = time.monotonic()
    deadline = started + max(0.0, timeout)
    proc = start(argv, cwd=cwd, env=env)
    assert proc.stdout is not None
    assert proc.stderr is not None
    out = _Capture(limit_bytes, keep_tail=False)
    err = _Capture(limit_bytes, keep_tail=True)
    lines: queue.Queue[str | None] | None = queue.Queue() if on_stderr_line else None
    readers = [
        threading.Thread(target=_pump, args=(proc.stdout, out, None), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, err, lines), daemon=True),
    ]
    for reader in readers:
        reader.start()
    timed_out = False
    finished = False
    try:
        stderr_open = lines is not None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            if stderr_open and lines is not None and on_stderr_line is not None:
                try:
                    line = lines.get(timeout=min(remaining, 0.1))
                except queue.Empty:
                    line = ""
                else:
                    if line is None:
                        stderr_open = False
                    else:
                        on_stderr_line(line)
                        continue
            else:
                readers[0].join(min(remaining, 0.05))
            if proc.poll() is not None and not any(r.is_alive() for r in readers):
                break
        while lines is not None and on_stderr_line is not None and not timed_out:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                on_stderr_line(line)
        finished = True
    finally:
        if timed_out or not finished:
            kill_tree(proc)
        for reader in readers:
            reader.join(GRACE_SECONDS)
        for stream in (proc.stdout, proc.stderr):
            with contextlib.suppress(OSError):
                stream.close()
        if proc.poll() is None:
            kill_tree(proc)
        proc.wait()
    return Completed(
        argv=tuple(os.fspath(a) for a in argv),
        returncode=proc.returncode,
        stdout=out.text(),
        stderr=err.text(),
        timed_out=timed_out,
        truncated=out.truncated or err.truncated,
        duration=time.monotonic() - started,
    )
