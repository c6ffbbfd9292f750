"""Find and kill a whole process tree, descendants that left the group included.

Signalling a process group is not enough: a Django project (or anything it runs) may
start a grandchild in a new session (``setsid``), double-fork so the grandchild is
re-parented away from us, or ignore SIGTERM. Such a grandchild keeps our pipes open and
outlives every ``killpg``. So this module works on *processes*, not groups:

* :func:`descendants` walks the parent links (psutil) and adds the members of the
  root's process group and session (they may have been re-parented to init);
* :func:`kill_tree` snapshots the tree before *and during* the kill (a dying parent
  re-parents its children, a child may fork while we signal), sends SIGTERM, waits
  ``grace``, then SIGKILLs whatever is left, looping until nothing is left;
* :func:`become_subreaper` (Linux) makes orphaned grandchildren re-parent to *us*
  rather than init, so a double fork stays findable from the process that owns it;
* :func:`parent_death_preexec` (Linux) makes a child die with the thread that spawned it
  (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the worker does not orphan its children;
* :class:`JobObject` (Windows) puts a child into a Job Object that kills every process
  in it when the job is terminated or its last handle closes. The OS calls go through
  an injected ``kernel32``-like object, so the logic is unit-tested on any OS.

Processes can also be *marked*: :data:`MARKER_VARIABLE` in the child's environment is
inherited by every descendant that does not scrub its environment, and
:func:`marked` finds them wherever they were re-parented (psutil reads ``/proc``,
``sysctl`` or the PEB). The value is a space-separated chain: a child started by a
marked process keeps its ancestors' marks and adds its own (:func:`chain`), so
killing the tasks worker by its mark also finds what its runs left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import psutil

_WINDOWS = sys.platform == "win32"
_LINUX = sys.platform.startswith("linux")

# How long kill_tree keeps looping before it gives up on an unkillable process
# (uninterruptible sleep in the kernel): it must return, the caller has a deadline.
_MAX_KILL_SECONDS = 10.0
_POLL = 0.05

# Inherited by every descendant; its value identifies one run (see :func:`marked`).
MARKER_VARIABLE = "DJDESK_PROCESS_MARK"
_MAX_CHAIN = 8

# prctl(2) options (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def _alive(proc: psutil.Process) -> bool:
    """Running and not a zombie (a zombie holds no pipe and cannot be signalled)."""
    try:
        return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _children(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return list(proc.children(recursive=True))
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _group_members(root: int) -> list[psutil.Process]:
    """Processes whose process group or session is ``root`` (POSIX).

    A grandchild whose parent died is re-parented to init (or a subreaper) and no
    longer shows up as a descendant, but it stays in the group/session it was born in
    unless it called ``setsid``/``setpgid`` itself.
    """
    if _WINDOWS:
        return []
    found: list[psutil.Process] = []
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid in (root, me):
            continue
        try:
            if os.getpgid(proc.pid) == root or os.getsid(proc.pid) == root:
                found.append(proc)
        except (ProcessLookupError, PermissionError, OSError):
            continue
    return found


def marked(mark: str) -> list[int]:
    """Pids of live processes whose environment carries ``MARKER_VARIABLE=mark``.

    Finds descendants wherever they went (``setsid`` plus double fork, re-parented to
    init). Processes we may not read (other users) are skipped.
    """
    if not mark:
        return []
    found: list[int] = []
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid == me:
            continue
        try:
            if mark in proc.environ().get(MARKER_VARIABLE, "").split() and _alive(proc):
                found.append(proc.pid)
        except (psutil.Error, OSError):
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Pids of every live descendant of ``pid`` (not ``pid`` itself).

    Children by parent link, recursively, plus the members of ``pid``'s process
    group and session (see :func:`_group_members`). Empty when ``pid`` is gone.
    """
    root = _process(pid)
    found: dict[int, psutil.Process] = {}
    if root is not None:
        found.update((p.pid, p) for p in _children(root))
    for member in _group_members(pid):
        found.setdefault(member.pid, member)
        found.update((p.pid, p) for p in _children(member))
    found.pop(pid, None)
    found.pop(os.getpid(), None)
    return sorted(p for p, proc in found.items() if _alive(proc))


def _signal(proc: psutil.Process, sig: int) -> None:
    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
        if _WINDOWS:
            proc.kill()  # TerminateProcess: Windows has no polite signal for a console child
        else:
            proc.send_signal(sig)


def _reap_adopted(procs: Iterable[psutil.Process], keep: set[int]) -> None:
    """``waitpid`` zombies that were re-parented to us (we are a subreaper).

    Nobody else would ever wait for them. ``keep`` are the pids the caller passed in
    (a ``Popen`` owns those and must collect their exit status itself).
    """
    if _WINDOWS:
        return
    me = os.getpid()
    for proc in procs:
        if proc.pid in keep:
            continue
        try:
            if proc.ppid() == me and proc.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(proc.pid, os.WNOHANG)
        except (psutil.Error, ChildProcessError, OSError):
            continue


def kill_tree(
    pid: int, *, grace: float = 2.0, also: Iterable[int] = (), mark: str | None = None
) -> None:
    """Kill ``pid``, every descendant (:func:`descendants`) and the ``also`` pids.

    ``mark`` adds every process carrying that :data:`MARKER_VARIABLE` value (found by
    :func:`marked`), which catches a ``setsid`` + double-fork grandchild whose parent
    link to ``pid`` is gone.

    SIGTERM first (on Windows: terminate at once), then SIGKILL to whatever is still
    alive after ``grace`` seconds. The tree is re-read before each round, since a
    parent that dies re-parents its children and a child may fork meanwhile; the loop
    ends when nothing is left (or after a bounded time, for an unkillable process).
    Safe to call for a pid that is already gone. Never reaps ``pid`` or ``also``
    (their ``Popen`` objects do that).
    """
    roots = [pid, *also]
    keep = set(roots)
    me = os.getpid()
    known: dict[int, psutil.Process] = {}

    def refresh(*, marks: bool = True) -> list[psutil.Process]:
        for root in roots:
            if root not in known and (proc := _process(root)) is not None:
                known[root] = proc
        for proc in list(known.values()):
            if _alive(proc):
                known.update((c.pid, c) for c in _children(proc))
        for root in roots:
            for member in _group_members(root):
                known.setdefault(member.pid, member)
        for found in marked(mark or "") if marks else ():
            if found not in known and (proc := _process(found)) is not None:
                known[found] = proc
                known.update((c.pid, c) for c in _children(proc))
        known.pop(me, None)
        return [proc for proc in known.values() if _alive(proc)]

    alive = refresh()
    for proc in alive:
        _signal(proc, signal.SIGTERM)
    deadline = time.monotonic() + max(0.0, grace)
    while alive and time.monotonic() < deadline:
        time.sleep(_POLL)
        alive = refresh(marks=False)  # reading every environment is the costly part
    alive = refresh()
    give_up = time.monotonic() + _MAX_KILL_SECONDS
    while alive:
        for proc in alive:
            _signal(proc, signal.SIGKILL)
        _reap_adopted(known.values(), keep)
        time.sleep(_POLL)
        alive = refresh()
        if time.monotonic() > give_up:
            break
    _reap_adopted(known.values(), keep)


def sweep(mark: str, *, grace: float = 2.0) -> int:
    """Kill every process still carrying ``mark``; returns how many were found.

    For children spawned by code we do not control (jupyter_client starts notebook
    kernels): put :func:`new_mark` in their environment, then sweep once they ended.
    """
    found = marked(mark)
    if found:
        kill_tree(found[0], grace=grace, also=found[1:], mark=mark)
    return len(found)


def new_mark() -> str:
    """A fresh mark (one per run)."""
    return uuid.uuid4().hex


def chain(mark: str, inherited: str | None = None) -> str:
    """The :data:`MARKER_VARIABLE` value for a new child: this process's marks + ``mark``.

    ``inherited`` defaults to this process's own value. Bounded, so a deep chain of
    spawns cannot grow an environment without limit.
    """
    if inherited is None:
        inherited = os.environ.get(MARKER_VARIABLE, "")
    marks = [m for m in inherited.split() if m.isalnum()][-(_MAX_CHAIN - 1) :]
    return " ".join([*marks, mark])


def become_subreaper() -> bool:
    """Make orphaned descendants re-parent to this process (Linux ``prctl``).

    Without it a double-forked grandchild is re-parented to init and no parent link
    leads to it any more. Returns ``False`` where unsupported (not Linux, or the call
    failed); callers then rely on groups and :func:`marked`.
    """
    if not _LINUX:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def parent_death_preexec() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGKILL when its parent dies (Linux).

    ``PR_SET_PDEATHSIG`` fires when the *thread* that forked the child exits, so only
    pass this for a child that the spawning thread waits for (the runner does). The
    parent may die between ``fork`` and ``prctl``: the child then exits at once.
    ``None`` off Linux (Windows uses :class:`JobObject`).
    """
    if not _LINUX:
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


# --- Windows Job Objects -------------------------------------------------------------

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9  # JobObjectExtendedLimitInformation


class _IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount",
    )]  # fmt: skip


class _BasicLimits(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_longlong),
        ("PerJobUserTimeLimit", ctypes.c_longlong),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class ExtendedLimits(ctypes.Structure):
    """``JOBOBJECT_EXTENDED_LIMIT_INFORMATION``."""

    _fields_ = [
        ("BasicLimitInformation", _BasicLimits),
        ("IoInfo", _IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


class JobObject:
    """A Windows Job Object whose processes all die when it is terminated or closed.

    ``kernel32`` is injected (``ctypes.windll.kernel32`` by default) so tests can pass
    a fake. A process assigned to the job takes every process it starts later with it;
    the handle lives as long as this object (or this process), so even a ``kill -9``
    of the owner closes it and kills the tree (``KILL_ON_JOB_CLOSE``).
    """

    def __init__(self, kernel32: Any = None) -> None:
        if kernel32 is None:
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        self._k32 = kernel32
        handle = kernel32.CreateJobObjectW(None, None)
        if not handle:
            raise OSError(f"CreateJobObjectW failed (error {kernel32.GetLastError()})")
        self.handle = handle
        limits = ExtendedLimits()
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        if not kernel32.SetInformationJobObject(
            handle,
            JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
            ctypes.byref(limits),
            ctypes.sizeof(limits),
        ):
            error = kernel32.GetLastError()
            kernel32.CloseHandle(handle)
            self.handle = None
            raise OSError(f"SetInformationJobObject failed (error {error})")

    def assign(self, process_handle: int) -> bool:
        """Put a process (by handle, e.g. ``Popen._handle``) into the job."""
        if not self.handle:
            return False
        return bool(self._k32.AssignProcessToJobObject(self.handle, int(process_handle)))

    def terminate(self, exit_code: int = 1) -> bool:
        """Kill every process in the job now."""
        if not self.handle:
            return False
        return bool(self._k32.TerminateJobObject(self.handle, exit_code))

    def close(self) -> None:
        """Close the handle: with KILL_ON_JOB_CLOSE, remaining processes die."""
        if self.handle:
            self._k32.CloseHandle(self.handle)
            self.handle = None

    def __enter__(self) -> JobObject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
