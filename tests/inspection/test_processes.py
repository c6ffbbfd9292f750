"""Process groups, timeouts that kill whole trees, output caps, streamed stderr."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from djdesk_inspector.kernel import processes
from djdesk_inspector.kernel.environment import clean_env

from .projects import process_gone

pytestmark = pytest.mark.slow


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def _run(code: str, tmp_path: Path, **kwargs: object) -> processes.Completed:
    return processes.run(_py(code), cwd=tmp_path, env=clean_env(allow=()), **kwargs)  # type: ignore[arg-type]


def test_both_streams_and_the_exit_status(tmp_path: Path) -> None:
    done = _run(
        """
        import sys
        print("out ✓")
        print("err", file=sys.stderr)
        sys.exit(3)
        """,
        tmp_path,
        timeout=30,
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "out ✓\n", "err\n")
    assert not done.timed_out and not done.truncated
    assert done.argv[0] == sys.executable


def test_stdout_keeps_its_head_and_stderr_its_tail(tmp_path: Path) -> None:
    done = _run(
        """
        import sys
        sys.stdout.write("HEAD" + "x" * 2_000_000)
        sys.stderr.write("y" * 2_000_000 + "TAIL")
        """,
        tmp_path,
        timeout=30,
        limit_bytes=1000,
    )
    assert done.returncode == 0  # the child was drained, never blocked
    assert done.truncated
    assert len(done.stdout) == 1000 and done.stdout.startswith("HEAD")
    assert len(done.stderr) == 1000 and done.stderr.endswith("TAIL")


def test_stderr_lines_reach_the_caller_thread_in_order(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    done = _run(
        """
        import sys, time
        for i in range(5):
            print(f"line {i}", file=sys.stderr, flush=True)
            time.sleep(0.01)
        sys.stderr.write("no newline")
        """,
        tmp_path,
        timeout=30,
        on_stderr_line=lambda line: seen.append((line, threading.get_ident())),
    )
    assert done.returncode == 0
    assert [line for line, _ in seen] == [*(f"line {i}" for i in range(5)), "no newline"]
    assert {ident for _, ident in seen} == {threading.get_ident()}


def test_a_failing_callback_kills_the_tree(tmp_path: Path) -> None:
    def explode(line: str) -> None:
        raise RuntimeError(line)

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="go"):
        _run(
            "import sys, time\nprint('go', file=sys.stderr, flush=True)\ntime.sleep(60)",
            tmp_path,
            timeout=60,
            on_stderr_line=explode,
        )
    assert time.monotonic() - started < 15


def test_timeout_kills_children_and_grandchildren(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    done = _run(
        f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        print("started", flush=True)
        time.sleep(120)
        """,
        tmp_path,
        timeout=2,
    )
    assert done.timed_out
    assert done.stdout == "started\n"
    assert time.monotonic() - started < 2 + 10
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while not process_gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_gone(grandchild)


def test_a_grandchild_holding_the_pipes_is_killed_at_the_deadline(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    done = _run(
        f"""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        """,
        tmp_path,
        timeout=2,
    )
    assert done.timed_out  # the streams never closed before the deadline
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while not process_gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_gone(grandchild)


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_start_makes_a_group_leader_and_kill_tree_is_idempotent(tmp_path: Path) -> None:
    proc = processes.start(
        _py("import time; time.sleep(60)"), cwd=tmp_path, env=clean_env(allow=())
    )
    try:
        assert os.getpgid(proc.pid) == proc.pid
        assert processes.pid_alive(proc.pid)
    finally:
        processes.kill_tree(proc, grace=1)
    assert proc.returncode is not None
    processes.kill_tree(proc, grace=0.1)  # already gone: no error
    assert not processes.pid_alive(proc.pid)


def test_pid_alive() -> None:
    assert processes.pid_alive(os.getpid())
    assert not processes.pid_alive(None)
    assert not processes.pid_alive(0)


def test_never_a_shell(tmp_path: Path) -> None:
    done = processes.run(
        [sys.executable, "-c", "import sys; print(sys.argv[1])", "$(echo hi); rm -rf /"],
        cwd=tmp_path,
        env=clean_env(allow=()),
        timeout=30,
    )
    assert done.stdout == "$(echo hi); rm -rf /\n"


def test_missing_program_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        processes.run([str(tmp_path / "nope")], cwd=tmp_path, env={}, timeout=5)
