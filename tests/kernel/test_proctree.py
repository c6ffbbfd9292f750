"""Whole-tree kills (real processes) and the Windows Job Object (with a fake kernel32)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from djdesk_inspector.kernel import proctree
from tests.kernel import hostile

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="the fixtures fork")


def _wait_for_pid(pids: Path, role: str, timeout: float = 30) -> int:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = [pid for name, pid in hostile.recorded(pids).items() if name.startswith(role)]
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"{role} never recorded its pid")


@POSIX_ONLY
@pytest.mark.slow
def test_descendants_and_kill_tree_with_a_setsid_grandchild(tmp_path: Path) -> None:
    script, pids = hostile.write_script(tmp_path, hostile.BY_NAME["setsid_grandchild"])
    proc = subprocess.Popen(hostile.argv(script, pids), start_new_session=True)
    try:
        grandchild = _wait_for_pid(pids, "grandchild-")
        # Left the group and the session, but still a descendant by parent link.
        assert grandchild in proctree.descendants(proc.pid)
        proctree.kill_tree(proc.pid, grace=0.5)
        proc.wait(10)
        assert not hostile.alive(grandchild)  # it ignored SIGTERM: SIGKILL got it
    finally:
        hostile.kill_survivors(pids)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@POSIX_ONLY
@pytest.mark.slow
def test_a_double_forked_orphan_is_found_by_its_mark(tmp_path: Path) -> None:
    script, pids = hostile.write_script(tmp_path, hostile.BY_NAME["double_fork"])
    mark = proctree.new_mark()
    proc = subprocess.Popen(
        hostile.argv(script, pids),
        start_new_session=True,
        env={"PATH": "/usr/bin:/bin", proctree.MARKER_VARIABLE: mark},
    )
    try:
        grandchild = _wait_for_pid(pids, "grandchild-")
        assert grandchild not in proctree.descendants(proc.pid)  # no parent link left
        assert grandchild in proctree.marked(mark)
        proctree.kill_tree(proc.pid, grace=0.5, mark=mark)
        proc.wait(10)
        assert not hostile.alive(grandchild)
        assert proctree.marked(mark) == []
    finally:
        hostile.kill_survivors(pids)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@POSIX_ONLY
@pytest.mark.slow
def test_kill_tree_also_kills_the_extra_pids(tmp_path: Path) -> None:
    sleepers = [
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"]) for _ in range(2)
    ]
    try:
        proctree.kill_tree(sleepers[0].pid, grace=0.5, also=[sleepers[1].pid])
        assert [s.wait(10) for s in sleepers] == [-15, -15]
    finally:
        for sleeper in sleepers:
            if sleeper.poll() is None:
                sleeper.kill()
                sleeper.wait()


def test_kill_tree_of_a_gone_pid_is_a_no_op() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert proctree.descendants(proc.pid) == []
    proctree.kill_tree(proc.pid, grace=0.1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux")
@pytest.mark.slow
def test_a_subreaper_adopts_a_double_forked_orphan(tmp_path: Path) -> None:
    """In a fresh interpreter (being a subreaper is for life): the orphan becomes its child."""
    code = """
import os, subprocess, sys, time, psutil
from djdesk_inspector.kernel import proctree
assert proctree.become_subreaper()
subprocess.run([sys.executable, "-c",
    "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    time.sleep(300)"], check=True)
orphans = [p for p in psutil.Process().children() if p.status() != psutil.STATUS_ZOMBIE]
print(len(orphans))
for orphan in orphans:
    proctree.kill_tree(orphan.pid, grace=0.1)
"""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root / "src")},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


def test_become_subreaper_is_false_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proctree, "_LINUX", False)
    assert proctree.become_subreaper() is False
    assert proctree.parent_death_preexec() is None


# -- Windows Job Objects, against a fake kernel32 ----------------------------------------


class FakeKernel32:
    """Records calls; answers like kernel32 (0 means failure)."""

    def __init__(self, *, fail: str = "") -> None:
        self.fail = fail
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.limits: proctree.ExtendedLimits | None = None

    def _record(self, name: str, *args: Any) -> int:
        self.calls.append((name, args))
        return 0 if name == self.fail else 1

    def CreateJobObjectW(self, attributes: Any, name: Any) -> int:
        return 0 if self._record("CreateJobObjectW", attributes, name) == 0 else 0x1234

    def SetInformationJobObject(self, handle: int, cls: int, info: Any, size: int) -> int:
        self.limits = proctree.ExtendedLimits.from_buffer_copy(
            ctypes.string_at(ctypes.addressof(info._obj), size)
        )
        return self._record("SetInformationJobObject", handle, cls, size)

    def AssignProcessToJobObject(self, job: int, process: int) -> int:
        return self._record("AssignProcessToJobObject", job, process)

    def TerminateJobObject(self, job: int, code: int) -> int:
        return self._record("TerminateJobObject", job, code)

    def CloseHandle(self, handle: int) -> int:
        return self._record("CloseHandle", handle)

    def GetLastError(self) -> int:
        return 5


def test_job_object_kills_on_close_and_on_terminate() -> None:
    k32 = FakeKernel32()
    with proctree.JobObject(k32) as job:
        assert job.assign(0x99)
        assert job.terminate()
    names = [name for name, _ in k32.calls]
    assert names == [
        "CreateJobObjectW",
        "SetInformationJobObject",
        "AssignProcessToJobObject",
        "TerminateJobObject",
        "CloseHandle",
    ]
    assert k32.limits is not None
    flags = k32.limits.BasicLimitInformation.LimitFlags
    assert flags == proctree.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE == 0x2000
    assert k32.calls[1][1][1] == 9  # JobObjectExtendedLimitInformation
    assert k32.calls[1][1][2] == ctypes.sizeof(proctree.ExtendedLimits)
    assert k32.calls[2][1] == (0x1234, 0x99)
    assert k32.calls[3][1] == (0x1234, 1)
    assert job.handle is None
    assert not job.assign(0x99) and not job.terminate()  # closed: nothing to act on
    job.close()  # twice: no second CloseHandle
    assert [name for name, _ in k32.calls].count("CloseHandle") == 1


@pytest.mark.parametrize("fail", ["CreateJobObjectW", "SetInformationJobObject"])
def test_job_object_reports_a_failed_setup(fail: str) -> None:
    k32 = FakeKernel32(fail=fail)
    with pytest.raises(OSError, match=f"{fail} failed \\(error 5\\)"):
        proctree.JobObject(k32)
    if fail == "SetInformationJobObject":
        assert k32.calls[-1] == ("CloseHandle", (0x1234,))  # no handle leaks


def test_job_object_assign_failure_is_false() -> None:
    k32 = FakeKernel32(fail="AssignProcessToJobObject")
    job = proctree.JobObject(k32)
    assert job.assign(7) is False
    job.close()
