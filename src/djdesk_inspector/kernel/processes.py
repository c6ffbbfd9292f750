"""The one child-process runner: every probe, preset run, build step and worker spawn.

Never a shell: ``argv`` is a list handed to the OS as-is, with an environment the
caller built with :mod:`~djdesk_inspector.kernel.environment`. Every child leads a new
process group and session, carries a fresh :data:`proctree.MARKER_VARIABLE`, dies with
the thread that waits for it (Linux ``PR_SET_PDEATHSIG``) and, on Windows, sits in a
Job Object; a timeout, a cancel or an exception in the caller kills the *whole* tree
with :func:`proctree.kill_tree`, descendants that left the group included.

Two levels of API:

* :func:`run` - run to completion. It collects both streams (head of stdout, tail of
  stderr, capped) and/or calls ``on_line(stream, line)`` per line **in the calling
  thread** (so the callback may touch the database), polls ``cancel`` and calls
  ``on_poll`` every ``poll_every`` seconds, and returns a :class:`Result`.
* :func:`start` + :func:`kill_tree` - for a long-lived child that is talked to rather
  than run to completion (the desktop's tasks worker, the bundle's smoke launch).

Why it never hangs on a pipe: each pipe is read by a daemon thread doing blocking
reads (the only way that works for pipes on both POSIX and Windows; selectors do not
take Windows pipes). The calling thread never joins a reader or reads a pipe itself:
it waits on a queue with a timeout and enforces the deadline, the cancel and the
post-exit drain period (:data:`DRAIN_SECONDS`) from its own clock. When the child has
exited but a grandchild still holds the pipes, the tree is killed after the drain
period; when the deadline passes, the tree is killed at once. Readers get at most
:data:`READER_WAIT_SECONDS` more to deliver what they had, then are abandoned. A pipe
is closed only by its own reader (after EOF), never under a thread blocked in
``read`` on it (that races with the descriptor being reused); an abandoned reader ends
by itself when the last holder of the pipe dies.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from djdesk_inspector.kernel import proctree

DEFAULT_LIMIT_BYTES = 4_000_000
# A line longer than this keeps its head; the rest is counted, not kept.
DEFAULT_MAX_LINE_BYTES = 64_000
# How long a tree gets to exit after the polite signal before it is killed.
GRACE_SECONDS = 2.0
# After the child exits, how long its pipes may stay open (a grandchild holding them)
# before the rest of its tree is killed.
DRAIN_SECONDS = 1.0
# After a kill, how long the readers get to hand over what they still had.
READER_WAIT_SECONDS = 1.0
STDOUT = "stdout"
STDERR = "stderr"
_CHUNK = 65536
_WINDOWS = sys.platform == "win32"

LineCallback = Callable[[str, str], None]  # (stream name, line without newline)
Cancel = Callable[[], bool] | threading.Event


@dataclass(frozen=True)
class Result:
    """The outcome of :func:`run`.

    ``stdout`` keeps the *first* ``limit_bytes`` (a document is read from the start),
    ``stderr`` the *last* ones (a traceback ends there); both are empty when
    ``collect=False``. ``returncode`` is the child's (negative for a signal on POSIX;
    ``None`` only if it could not be collected). ``timed_out`` / ``cancelled`` say why
    the tree was killed; ``truncated`` that output was dropped (byte cap or cut lines);
    ``killed`` that the tree was killed for any reason (including a grandchild that
    held the pipes past :data:`DRAIN_SECONDS` after the child exited).
    """

    argv: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    cancelled: bool
    truncated: bool
    killed: bool
    duration: float
    pid: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not (self.timed_out or self.cancelled)


# Older name, kept for callers that annotate with it.
Completed = Result


class Child(subprocess.Popen[bytes]):
    """A started child: its run mark and (Windows) its Job Object go with it."""

    mark: str = ""
    job: proctree.JobObject | None = None


def popen_kwargs(*, die_with_parent: bool = False) -> dict[str, Any]:
    """Keyword arguments that make a new child the leader of its own group/session.

    ``die_with_parent`` adds Linux's parent-death signal (see
    :func:`proctree.parent_death_preexec`): only for a child the spawning thread waits for.
    """
    if _WINDOWS:
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)
        flags |= getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)
        return {"creationflags": flags}
    kwargs: dict[str, Any] = {"start_new_session": True}
    if die_with_parent and (preexec := proctree.parent_death_preexec()) is not None:
        kwargs["preexec_fn"] = preexec
    return kwargs


def _windows_job(proc: subprocess.Popen[bytes]) -> proctree.JobObject | None:
    try:
        job = proctree.JobObject()
    except OSError:
        return None
    if not job.assign(proc._handle):  # type: ignore[attr-defined]
        job.close()
        return None
    return job


def start(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str],
    stdin: int | IO[Any] | None = subprocess.DEVNULL,
    stdout: int | IO[Any] | None = subprocess.PIPE,
    stderr: int | IO[Any] | None = subprocess.PIPE,
    die_with_parent: bool = False,
) -> Child:
    """Start ``argv`` (no shell) as the leader of a new process group, binary pipes.

    Pass ``stderr=subprocess.STDOUT`` to read one merged stream. The caller owns the
    process: stop it with :func:`kill_tree` and always ``wait()`` for it.
    """
    mark = proctree.new_mark()
    proc = Child(  # an argv list, never a shell
        [os.fspath(a) for a in argv],
        cwd=os.fspath(cwd),
        env={**env, proctree.MARKER_VARIABLE: proctree.chain(mark)},
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        **popen_kwargs(die_with_parent=die_with_parent),
    )
    proc.mark = mark
    if _WINDOWS:
        proc.job = _windows_job(proc)
    return proc


def kill_tree(proc: subprocess.Popen[Any], *, grace: float = GRACE_SECONDS) -> None:
    """Stop ``proc`` and every descendant, wherever it went; safe to call more than once.

    SIGTERM, up to ``grace`` seconds, then SIGKILL (:func:`proctree.kill_tree`), with
    the run's mark so a ``setsid`` + double-fork grandchild is found too; on Windows the
    Job Object is terminated first. Then collects ``proc``'s exit status (bounded).
    """
    job = getattr(proc, "job", None)
    if job is not None:
        job.terminate()
    mark = getattr(proc, "mark", "")
    if proc.returncode is None:
        proctree.kill_tree(proc.pid, grace=grace, mark=mark or None)
    elif mark:
        # Already reaped: its pid may belong to someone else now; only the mark is safe.
        proctree.sweep(mark, grace=grace)
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


class _Capture:
    """Bytes read from one stream, capped at ``limit`` (head or tail kept)."""

    def __init__(self, limit: int, *, keep_tail: bool, enabled: bool) -> None:
        self.limit = max(0, limit) if enabled else 0
        self.enabled = enabled
        self.keep_tail = keep_tail
        self.data = bytearray()
        self.truncated = False

    def add(self, chunk: bytes) -> None:
        if not self.enabled:
            return
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


class _Lines:
    """Splits a byte stream into lines; a line past ``max_bytes`` keeps its head."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.pending = bytearray()
        self.dropped = 0
        self.cut = False  # any line was cut

    def _keep(self, piece: bytes) -> None:
        room = max(self.max_bytes - len(self.pending), 0)
        self.pending.extend(piece[:room])
        self.dropped += max(len(piece) - room, 0)

    def _finish(self) -> str:
        text = self.pending.decode("utf-8", "replace").rstrip("\r")
        if self.dropped:
            text = f"{text} [line cut: {self.dropped} more bytes]"
            self.cut = True
        self.pending.clear()
        self.dropped = 0
        return text

    def feed(self, chunk: bytes) -> list[str]:
        *complete, rest = chunk.split(b"\n")
        lines = []
        for piece in complete:
            self._keep(piece)
            lines.append(self._finish())
        self._keep(rest)
        return lines

    def end(self) -> list[str]:
        return [self._finish()] if self.pending or self.dropped else []


# (stream, lines) while reading; (stream, None) at end of stream.
_Item = tuple[str, list[str] | None]


def _read(
    stream: IO[bytes],
    name: str,
    capture: _Capture,
    lines: _Lines | None,
    out: queue.Queue[_Item],
) -> None:
    """Reader thread: blocking reads to EOF, then it closes its own pipe."""
    read = getattr(stream, "read1", stream.read)
    try:
        while chunk := read(_CHUNK):
            capture.add(chunk)
            if lines is not None and (complete := lines.feed(chunk)):
                out.put((name, complete))
    except (OSError, ValueError):
        pass
    finally:
        if lines is not None and (rest := lines.end()):
            out.put((name, rest))
        out.put((name, None))
        with contextlib.suppress(OSError):
            stream.close()


def _cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | Path,
    env: Mapping[str, str],
    timeout: float,
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    collect: bool = True,
    merge_stderr: bool = False,
    on_line: LineCallback | None = None,
    on_stderr_line: Callable[[str], None] | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    cancel: Cancel | None = None,
    on_poll: Callable[[], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    poll_every: float = 0.1,
    grace: float = GRACE_SECONDS,
    drain: float = DRAIN_SECONDS,
) -> Result:
    """Run ``argv`` to completion; kill the whole tree on timeout, cancel or error.

    ``collect`` keeps both streams in the result, ``limit_bytes`` each (stdout's head,
    stderr's tail; with ``merge_stderr`` everything is ``stdout``). ``on_line(stream,
    line)`` and ``on_stderr_line(line)`` are called **in the calling thread** as lines
    arrive. ``cancel`` (a callable or an Event) is polled and ``on_poll`` called every
    ``poll_every`` seconds, also in the calling thread; ``on_start(pid)`` once the child
    exists. If a callback raises, the tree is killed and the exception propagates.
    The call returns at most about ``timeout + grace + READER_WAIT_SECONDS`` after it
    started, whatever the child's descendants do with the pipes (a process the OS
    will not let die, e.g. stuck in uninterruptible I/O, adds at most 10 s). At the
    end the tree is always swept, so even a detached descendant that closed its pipes
    does not outlive the run.
    """
    started = time.monotonic()
    deadline = started + max(0.0, timeout)
    proc = start(
        argv,
        cwd=cwd,
        env=env,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
        die_with_parent=True,
    )
    streaming = on_line is not None or on_stderr_line is not None
    captures = {
        STDOUT: _Capture(limit_bytes, keep_tail=False, enabled=collect),
        STDERR: _Capture(limit_bytes, keep_tail=True, enabled=collect),
    }
    splitters = {name: _Lines(max_line_bytes) for name in captures}
    pipes = {STDOUT: proc.stdout, STDERR: proc.stderr}
    items: queue.Queue[_Item] = queue.Queue()
    open_streams = 0
    for name, pipe in pipes.items():
        if pipe is None:
            continue
        open_streams += 1
        threading.Thread(
            target=_read,
            args=(pipe, name, captures[name], splitters[name] if streaming else None, items),
            name=f"djdesk-{name}-{proc.pid}",
            daemon=True,
        ).start()

    def deliver(name: str, lines: list[str]) -> None:
        for line in lines:
            if on_line is not None:
                on_line(name, line)
            if on_stderr_line is not None and name == STDERR:
                on_stderr_line(line)

    timed_out = cancelled = killed = False
    finished = False
    exited_at: float | None = None
    try:
        if on_start is not None:
            on_start(proc.pid)
        next_poll = time.monotonic() + poll_every
        while True:
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            if proc.poll() is not None:
                if not open_streams:
                    break
                exited_at = exited_at or now
                if now - exited_at >= drain:
                    break  # a descendant holds the pipes: killed below
            wait = max(0.0, min(next_poll, deadline) - now)
            if exited_at is None:
                wait = min(wait, 0.05)  # notice the exit of a quiet child promptly
            try:
                name, batch = items.get(timeout=wait)
            except queue.Empty:
                pass
            else:
                if batch is None:
                    open_streams -= 1
                else:
                    deliver(name, batch)
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + poll_every
                if on_poll is not None:
                    on_poll()
                if _cancelled(cancel):
                    cancelled = True
                    break
        finished = True
    finally:
        killed = not finished or timed_out or cancelled or bool(open_streams)
        killed = killed or proc.poll() is None
        # Always: a detached descendant that closed its pipes is still ours to stop.
        kill_tree(proc, grace=grace)
        # Whatever the readers still hold (bounded: an abandoned reader is left alone).
        until = time.monotonic() + (READER_WAIT_SECONDS if killed else 0.0)
        while open_streams:
            try:
                name, batch = items.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                break
            if batch is None:
                open_streams -= 1
            elif finished:
                deliver(name, batch)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
        if proc.job is not None:
            proc.job.close()
    return Result(
        argv=tuple(os.fspath(a) for a in argv),
        returncode=proc.returncode,
        stdout=captures[STDOUT].text(),
        stderr=captures[STDERR].text(),
        timed_out=timed_out,
        cancelled=cancelled,
        truncated=any(c.truncated for c in captures.values())
        or any(s.cut for s in splitters.values()),
        killed=killed,
        duration=time.monotonic() - started,
        pid=proc.pid,
    )
