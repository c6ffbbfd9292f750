"""The one child-process runner: streams, caps, cancel, and hostile trees that fight back.

Every hostile case runs through the real entry points (``processes.run``, a scan, a
preset run, ``manage.py djdesk_inspect``) and then asserts that *no* recorded
descendant survives. The call under test runs in a subprocess or a thread with a
generous outer bound, so a runner that hangs fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from djdesk_inspector.kernel import processes, proctree
from djdesk_inspector.kernel.environment import clean_env
from tests.kernel import hostile

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="the fixtures fork")
ROOT = Path(__file__).resolve().parents[2]
OUTER_TIMEOUT = 120  # far past any timeout below: only a hung runner reaches it
# Time for the kernel to finish tearing down what was killed (not a timing assertion:
# survivors are polled up to this bound, the test only asserts the end state).
SETTLE = 5.0


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def _run(code: str, tmp_path: Path, **kwargs: Any) -> processes.Result:
    return processes.run(_py(code), cwd=tmp_path, env=clean_env(allow=()), **kwargs)


def _outer_env() -> dict[str, str]:
    """The test harness's own child (not product code): our sys.path, so it imports us."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


_DRIVER = """
import json, sys
from djdesk_inspector.kernel import processes
from djdesk_inspector.kernel.environment import clean_env
argv, timeout = json.loads(sys.argv[1]), float(sys.argv[2])
lines = []
done = processes.run(argv, cwd=sys.argv[3], env=clean_env(allow=()), timeout=timeout,
                     collect=True, limit_bytes=10_000,
                     on_line=lambda stream, line: lines.append(stream))
print(json.dumps({"returncode": done.returncode, "timed_out": done.timed_out,
                  "killed": done.killed, "truncated": done.truncated,
                  "duration": done.duration, "lines": len(lines)}))
"""


def _drive(argv: list[str], cwd: Path, timeout: float) -> dict[str, Any]:
    """``processes.run`` in a fresh interpreter, bounded from outside."""
    out = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps(argv), str(timeout), str(cwd)],
        capture_output=True,
        text=True,
        timeout=OUTER_TIMEOUT,
        env=_outer_env(),
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.fixture
def cleanup() -> Iterator[list[Path]]:
    """Pid folders to sweep after the test, so a broken runner leaks nothing."""
    folders: list[Path] = []
    yield folders
    for folder in folders:
        hostile.kill_survivors(folder)


# -- the ordinary contract -------------------------------------------------------------


@pytest.mark.slow
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
    assert not done.timed_out and not done.truncated and not done.cancelled
    assert not done.killed and not done.ok
    assert done.argv[0] == sys.executable


@pytest.mark.slow
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


@pytest.mark.slow
def test_lines_reach_the_calling_thread_in_order_with_their_stream(tmp_path: Path) -> None:
    seen: list[tuple[str, str, int]] = []
    done = _run(
        """
        import sys, time
        for i in range(3):
            print(f"out {i}", flush=True)
            print(f"err {i}", file=sys.stderr, flush=True)
            time.sleep(0.01)
        sys.stderr.write("no newline")
        """,
        tmp_path,
        timeout=30,
        collect=False,
        on_line=lambda stream, line: seen.append((stream, line, threading.get_ident())),
    )
    assert done.ok and done.stdout == "" and done.stderr == ""
    assert [line for stream, line, _ in seen if stream == "stdout"] == ["out 0", "out 1", "out 2"]
    assert [line for stream, line, _ in seen if stream == "stderr"] == [
        "err 0",
        "err 1",
        "err 2",
        "no newline",
    ]
    assert {ident for *_, ident in seen} == {threading.get_ident()}


@pytest.mark.slow
def test_stderr_line_callback_and_merged_streams(tmp_path: Path) -> None:
    errors: list[str] = []
    _run(
        "import sys; print('o'); print('e', file=sys.stderr)",
        tmp_path,
        timeout=30,
        on_stderr_line=errors.append,
    )
    assert errors == ["e"]
    merged: list[tuple[str, str]] = []
    done = _run(
        "import sys; print('o', flush=True); print('e', file=sys.stderr, flush=True)",
        tmp_path,
        timeout=30,
        merge_stderr=True,
        on_line=lambda stream, line: merged.append((stream, line)),
    )
    assert merged == [("stdout", "o"), ("stdout", "e")]
    assert done.stdout == "o\ne\n" and done.stderr == ""


@pytest.mark.slow
def test_a_long_line_keeps_its_head(tmp_path: Path) -> None:
    lines: list[str] = []
    done = _run(
        "print('A' * 100_000); print('short')",
        tmp_path,
        timeout=30,
        collect=False,
        max_line_bytes=10,
        on_line=lambda stream, line: lines.append(line),
    )
    assert lines == ["AAAAAAAAAA [line cut: 99990 more bytes]", "short"]
    assert done.truncated


@pytest.mark.slow
def test_cancel_by_event_kills_the_tree(tmp_path: Path) -> None:
    cancel = threading.Event()
    polls: list[float] = []

    def on_poll() -> None:
        polls.append(time.monotonic())
        if len(polls) == 3:
            cancel.set()

    done = _run(
        "import time; time.sleep(60)",
        tmp_path,
        timeout=60,
        cancel=cancel,
        on_poll=on_poll,
        poll_every=0.05,
    )
    assert done.cancelled and done.killed and not done.timed_out and not done.ok
    assert len(polls) == 3
    assert not hostile.alive(done.pid)


@pytest.mark.slow
def test_cancel_by_callable_and_on_start(tmp_path: Path) -> None:
    started: list[int] = []
    done = _run(
        "import time; time.sleep(60)",
        tmp_path,
        timeout=60,
        cancel=lambda: bool(started),
        on_start=started.append,
    )
    assert done.cancelled and started == [done.pid]


@pytest.mark.slow
def test_a_failing_callback_kills_the_tree_and_propagates(tmp_path: Path) -> None:
    def explode(line: str) -> None:
        raise RuntimeError(line)

    pid: list[int] = []
    with pytest.raises(RuntimeError, match="go"):
        _run(
            "import sys, time\nprint('go', file=sys.stderr, flush=True)\ntime.sleep(60)",
            tmp_path,
            timeout=60,
            on_stderr_line=explode,
            on_start=pid.append,
        )
    assert not hostile.alive(pid[0])


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_child_carries_a_run_mark_and_a_clean_env(tmp_path: Path) -> None:
    done = _run(
        "import os, json; print(json.dumps(dict(os.environ)))",
        tmp_path,
        timeout=30,
    )
    env = json.loads(done.stdout)
    assert len(env[proctree.MARKER_VARIABLE].split()[-1]) == 32
    assert "DJANGO_SETTINGS_MODULE" not in env and "PYTHONPATH" not in env


@pytest.mark.slow
def test_a_child_keeps_its_ancestors_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """So killing an ancestor by its mark also finds what this run leaves behind."""
    monkeypatch.setenv(proctree.MARKER_VARIABLE, "grandparent parent")
    done = _run("import os; print(os.environ['DJDESK_PROCESS_MARK'])", tmp_path, timeout=30)
    marks = done.stdout.split()
    assert marks[:2] == ["grandparent", "parent"] and len(marks) == 3
    assert proctree.chain("x", "a b c d e f g h i j") == "d e f g h i j x"  # bounded
    assert proctree.chain("x", "ok $(bad) also") == "ok also x"  # only plain tokens


@POSIX_ONLY
@pytest.mark.slow
def test_start_makes_a_group_leader_and_kill_tree_is_idempotent(tmp_path: Path) -> None:
    proc = processes.start(
        _py("import time; time.sleep(60)"), cwd=tmp_path, env=clean_env(allow=())
    )
    try:
        assert os.getpgid(proc.pid) == proc.pid
        assert os.getsid(proc.pid) == proc.pid
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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
@pytest.mark.slow
def test_a_run_child_dies_with_its_parent(tmp_path: Path, cleanup: list[Path]) -> None:
    """kill -9 of the process that runs a child: the child goes too (parent-death signal)."""
    cleanup.append(tmp_path)
    code = f"""
        import sys, time
        from djdesk_inspector.kernel import processes
        processes.run([sys.executable, "-c",
                       "import os, time; open({str(tmp_path / "child.pid")!r}, 'w')"
                       ".write(str(os.getpid())); time.sleep(300)"],
                      cwd={str(tmp_path)!r}, env={{}}, timeout=300)
    """
    parent = subprocess.Popen(_py(code), env=_outer_env())
    try:
        pid_file = tmp_path / "child.pid"
        end = time.monotonic() + OUTER_TIMEOUT
        while not pid_file.exists() and time.monotonic() < end:
            time.sleep(0.05)
        child = int(pid_file.read_text())
        assert hostile.alive(child)
        parent.kill()
        parent.wait(OUTER_TIMEOUT)
        end = time.monotonic() + SETTLE
        while hostile.alive(child) and time.monotonic() < end:
            time.sleep(0.05)
        assert not hostile.alive(child)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


# -- hostile trees through processes.run -----------------------------------------------


@POSIX_ONLY
@pytest.mark.slow
@pytest.mark.parametrize("fixture", hostile.FIXTURES, ids=lambda f: f.name)
def test_hostile_child_through_run(
    fixture: hostile.Fixture, tmp_path: Path, cleanup: list[Path]
) -> None:
    script, pids = hostile.write_script(tmp_path, fixture)
    cleanup.append(pids)
    result = _drive(hostile.argv(script, pids), tmp_path, timeout=3)
    assert result["timed_out"] is fixture.times_out
    assert result["killed"]  # the tree was killed, even when the child itself had exited
    if fixture.name == "endless_output":
        assert result["truncated"] and result["lines"] > 0
    recorded = hostile.recorded(pids)
    assert any(role.startswith("child-") for role in recorded)
    if fixture.name not in ("endless_output",):
        assert any(role.startswith("grandchild-") for role in recorded), recorded
    assert hostile.survivors(pids, settle=SETTLE) == {}


# -- hostile Django project through a scan, a preset run and djdesk_inspect -------------


def _bounded(call: Callable[[], Any], seconds: float = OUTER_TIMEOUT) -> Any:
    """Run ``call`` in a thread; fail (never hang) if it does not return in time."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@POSIX_ONLY
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("hang", [True, False], ids=["hangs-at-import", "sleeper-only"])
def test_hostile_project_through_a_scan(
    hang: bool, tmp_path: Path, settings: Any, cleanup: list[Path]
) -> None:
    from djdesk_inspector import scans
    from djdesk_inspector.models import Scan, ScanStatus, Workspace

    project = hostile.write_project(tmp_path / "hostile", hang_at_import=hang)
    cleanup.append(hostile.project_pids(project))
    settings.DJDESK_INSPECTOR = {**getattr(settings, "DJDESK_INSPECTOR", {}), "SCAN_TIMEOUT": 3}
    workspace = Workspace.objects.create(
        name="hostile",
        project_path=str(project),
        interpreter_path=sys.executable,
        settings_module=hostile.SETTINGS_MODULE,
        trusted=True,
    )
    scan = _bounded(lambda: scans.request_scan(workspace, "live"))
    scan = Scan.objects.get(pk=scan.pk)
    if hang:
        assert scan.status == ScanStatus.FAILED
        assert "longer than 3s" in scan.error
    recorded = hostile.recorded(hostile.project_pids(project))
    assert any(role.startswith("settings-sleeper-") for role in recorded)
    assert hostile.survivors(hostile.project_pids(project), settle=SETTLE) == {}


@POSIX_ONLY
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_hostile_project_through_a_preset_run(
    tmp_path: Path, settings: Any, cleanup: list[Path]
) -> None:
    from djdesk_inspector.kernel import compat
    from djdesk_inspector.models import Workspace
    from djdesk_inspector.presets import runner, runs
    from djdesk_inspector.presets.models import Preset, RunStatus, TaskRun

    project = hostile.write_project(tmp_path / "hostile")
    cleanup.append(hostile.project_pids(project))
    settings.DJDESK_PRESETS = {"ALLOWLIST": ["hang"], "BATCH_MS": 50}
    settings.TASKS = {
        "default": {
            "BACKEND": compat.IMMEDIATE_BACKEND.replace(
                "immediate.ImmediateBackend", "dummy.DummyBackend"
            )
        }
    }
    Workspace.objects.create(
        name="hostile",
        project_path=str(project),
        interpreter_path=sys.executable,
        settings_module=hostile.SETTINGS_MODULE,
        trusted=True,
    )
    Preset.objects.create(key="hang", label="Hang", command="hang", timeout=3)
    run = runs.request_run(target="workspace:hostile", preset="hang", args={})
    status = _bounded(lambda: runner.execute(run.pk))
    final = TaskRun.objects.get(pk=run.pk)
    assert status == RunStatus.FAILED and final.status == RunStatus.FAILED
    assert final.timed_out and final.exit_code is None
    recorded = hostile.recorded(hostile.project_pids(project))
    assert any(role.startswith("settings-sleeper-") for role in recorded), recorded
    assert any(role.startswith("command-grandchild-") for role in recorded), recorded
    assert hostile.survivors(hostile.project_pids(project), settle=SETTLE) == {}


@POSIX_ONLY
@pytest.mark.slow
def test_hostile_project_through_djdesk_inspect(tmp_path: Path, cleanup: list[Path]) -> None:
    project = hostile.write_project(tmp_path / "hostile", hang_at_import=True)
    cleanup.append(hostile.project_pids(project))
    env = {
        **_outer_env(),
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "src"), str(ROOT), str(ROOT / "example_project")]
        ),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    out = subprocess.run(
        [sys.executable, "-m", "django", "djdesk_inspect", str(project), "--python",
         sys.executable, "--timeout", "3"],
        capture_output=True,
        text=True,
        timeout=OUTER_TIMEOUT,
        env=env,
        cwd=ROOT,
        check=False,
    )  # fmt: skip
    assert out.returncode != 0
    assert "longer than 3s" in out.stderr
    recorded = hostile.recorded(hostile.project_pids(project))
    assert any(role.startswith("settings-sleeper-") for role in recorded)
    assert hostile.survivors(hostile.project_pids(project), settle=SETTLE) == {}
