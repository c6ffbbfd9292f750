"""The pieces behind the launcher's robustness, each against real processes and files:
the data-dir lock, the guard that needs it, the writable check, the host context a
host preset gets, and how the supervisor tells a dead worker's orphans apart."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from djdesk_electron_kit import datalock, dirs, migrations_guard, supervisor
from djdesk_electron_kit.exitcodes import ExitCode
from djdesk_inspector.kernel import environment
from djdesk_inspector.presets import runner
from tests.desktop.launching import wait_for

POSIX = sys.platform != "win32"
SRC = Path(__file__).resolve().parents[2] / "src"

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from djdesk_electron_kit.datalock import DataDirLock

    lock = DataDirLock(Path(sys.argv[1]))
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.read()
    lock.release()
    """
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock on ``tmp_path`` until its stdin closes."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_a_held_data_dir_names_its_holder(holder: subprocess.Popen[str], tmp_path: Path) -> None:
    lock = datalock.DataDirLock(tmp_path)
    with pytest.raises(datalock.DataDirLocked) as caught:
        lock.acquire()
    assert caught.value.holder == holder.pid
    assert f"(pid {holder.pid})" in str(caught.value)
    assert str(tmp_path) in str(caught.value)
    assert not lock.held


def test_the_lock_is_free_once_the_holder_is_gone(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    holder.kill()  # no release: the OS drops the lock with the process
    holder.wait()
    lock = datalock.DataDirLock(tmp_path)
    lock.acquire()
    try:
        assert lock.held
        assert datalock.read_pid(tmp_path) == os.getpid()
    finally:
        lock.release()
    assert not (tmp_path / datalock.PID_NAME).exists()


def test_backup_restore_and_migrate_refuse_to_run_without_the_lock(tmp_path: Path) -> None:
    lock = datalock.DataDirLock(tmp_path)
    with pytest.raises(datalock.LockNotHeld, match="backing up"):
        migrations_guard.backup(lock)
    with pytest.raises(datalock.LockNotHeld, match="restoring"):
        migrations_guard.restore(lock, tmp_path / "db.sqlite3", None)
    with pytest.raises(datalock.LockNotHeld, match="migrating"):
        migrations_guard.migrate_if_needed(lock)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_folder_below_a_file_is_unwritable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(dirs.UnwritableDir) as caught:
        dirs.check_writable(blocker / "data")
    assert caught.value.folder == blocker / "data"
    assert str(caught.value).startswith(f"cannot write to the folder {blocker / 'data'} (")


def test_the_writable_check_leaves_nothing_behind(tmp_path: Path) -> None:
    dirs.check_writable(tmp_path / "new" / "data")
    assert list((tmp_path / "new" / "data").iterdir()) == []


@pytest.fixture
def launcher_context(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "shop.settings_desktop")
    monkeypatch.setenv("DJDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DJDESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("DJDESK_ROLE", "worker")
    return tmp_path


def test_a_host_run_gets_exactly_the_host_context(launcher_context: Path) -> None:
    env = runner.child_env("shop.settings_desktop", host=True)
    assert {name: env[name] for name in environment.HOST_CONTEXT} == {
        "DJANGO_SETTINGS_MODULE": "shop.settings_desktop",
        "DJDESK_DATA_DIR": str(launcher_context / "data"),
        "DJDESK_LOG_DIR": str(launcher_context / "logs"),
    }
    assert "DJDESK_ROLE" not in env


def test_a_workspace_run_never_gets_the_hosts_data_dir(launcher_context: Path) -> None:
    env = runner.child_env("other.settings")
    assert env["DJANGO_SETTINGS_MODULE"] == "other.settings"
    assert not {"DJDESK_DATA_DIR", "DJDESK_LOG_DIR", "DJDESK_ROLE"} & set(env)


def test_the_death_reason_names_the_signal_or_the_code() -> None:
    assert supervisor.death_reason(-9) == "The tasks worker died (signal 9)"
    assert supervisor.death_reason(3) == "The tasks worker died (exit code 3)"


@pytest.mark.skipif(not POSIX, reason="sessions are POSIX")
def test_orphans_are_children_in_another_session_only() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    own = subprocess.Popen(sleeper)
    other = subprocess.Popen(sleeper, start_new_session=True)
    try:
        found = {p.pid for p in supervisor.orphans()}
        assert other.pid in found
        assert own.pid not in found
        assert other.pid not in {p.pid for p in supervisor.orphans(exclude=(other.pid,))}
    finally:
        for proc in (own, other):
            proc.kill()
            proc.wait()


def test_the_shell_explains_every_failure_exit_code() -> None:
    """electron-template/src/dialogs.js maps exit codes to words: no code may drift."""
    dialogs = (Path(__file__).resolve().parents[2] / "electron-template/src/dialogs.js").read_text()
    table = dialogs.split("const EXIT_REASONS = Object.freeze({", 1)[1].split("});", 1)[0]
    mapped = {int(m) for m in re.findall(r"^\s+(\d+): '", table, flags=re.MULTILINE)}
    assert mapped == {int(code) for code in ExitCode if code >= ExitCode.USAGE}


WORKER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    from pathlib import Path

    from djdesk_inspector.kernel import proctree

    proctree.become_subreaper()  # as djdesk_electron_kit.worker does
    out = Path(sys.argv[1])
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    )
    if os.fork() == 0:
        os.setsid()
        grandchild = os.fork()
        if grandchild == 0:
            time.sleep(600)
            os._exit(0)
        (out / "escaped").write_text(str(grandchild))
        os._exit(0)
    os.wait()
    (out / "child").write_text(str(child.pid))
    time.sleep(600)
    """
)


def pids_in(folder: Path) -> list[int] | None:
    files = [folder / "child", folder / "escaped"]
    if not all(f.is_file() and f.read_text() for f in files):
        return None
    return [int(f.read_text()) for f in files]


@pytest.mark.skipif(not POSIX, reason="kill -9 and sessions")
def test_without_a_subreaper_the_snapshot_finds_what_a_dead_worker_left(tmp_path: Path) -> None:
    """A subreaper "worker" whose child left its session and whose grandchild
    double-forked: both are re-parented to init when it dies (this test process is no
    subreaper), so only the snapshots taken while it ran can find them."""
    spec = supervisor.WorkerSpec(
        argv=(sys.executable, "-c", WORKER, str(tmp_path)),
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(SRC)},
        stop_timeout=2.0,
        max_failures=1,
        backoff_max=1.0,
    )
    deaths: list[tuple[int, str]] = []
    watched = supervisor.Supervisor(
        spec, on_give_up=lambda: None, on_death=lambda *death: deaths.append(death), snapshot=True
    )
    worker = watched.start()
    pids: list[int] = []
    try:
        pids = wait_for(lambda: pids_in(tmp_path))
        wait_for(lambda: set(pids) <= watched.tracked)
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: deaths)
        assert deaths == [(worker, "The tasks worker died (signal 9)")]
        wait_for(lambda: not any(alive(pid) for pid in pids))
        assert watched.gave_up
    finally:
        watched.stop()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
