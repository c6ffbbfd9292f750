"""The launcher under hostile conditions: a worker killed mid-job, a second launcher on
the same data dir, a data dir that cannot be written, a host preset that must see the
launcher's own database. Real launchers, real workers, real SQLite files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from djdesk_electron_kit.datalock import PID_NAME
from djdesk_electron_kit.exitcodes import ExitCode
from tests.desktop.launching import (
    PROJECT,
    SETTINGS,
    Launched,
    django_script,
    launch,
    launch_env,
    new_token,
    read_ready,
    run_to_exit,
    start,
    wait_for,
)

pytestmark = pytest.mark.slow
POSIX = sys.platform != "win32"
HOSTILE = "tests.desktop.hostile_settings"
# Generous bounds for polling; the figures themselves are measured in bench/hostile.py.
SETTLE = 30.0
DEATH_REASON = "The tasks worker died (signal 9)"

CREATE_SLEEP_PRESET = """
from djdesk_inspector.presets.models import Preset

Preset.objects.update_or_create(
    key="hostile-sleep",
    defaults={"label": "Hostile sleep", "command": "hostile_sleep", "timeout": 900},
)
print(json.dumps("ok"))
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def worker_pid(launched: Launched) -> int:
    return int(wait_for(lambda: launched.health()["worker_pid"], timeout=SETTLE))


def csrf_post(launched: Launched, path: str, body: dict[str, Any], page: str) -> Any:
    """A JSON POST the way the app's pages send it: token, CSRF cookie and header."""
    answer = launched.get(page)
    csrf = next(
        value.split(";")[0].split("=", 1)[1]
        for name, value in answer.headers.items()
        if name.lower() == "set-cookie" and value.startswith("csrftoken=")
    )
    posted = launched.request(
        "POST",
        path,
        headers={
            "Content-Type": "application/json",
            "Cookie": f"csrftoken={csrf}",
            "X-CSRFToken": csrf,
        },
        body=json.dumps(body).encode(),
    )
    assert posted.status in (201, 202), posted.body
    return posted.json()


def request_run(launched: Launched, preset: str) -> int:
    run = csrf_post(
        launched, "/djdesk/api/task-runs/", {"target": "host", "preset": preset}, "/djdesk/runs/"
    )
    return int(run["id"])


def run_state(launched: Launched, run_id: int) -> dict[str, Any]:
    answer = launched.get(f"/djdesk/api/task-runs/{run_id}/")
    assert answer.status == 200, answer.body
    return dict(answer.json())


def log_text(launched: Launched, run_id: int) -> str:
    lines = launched.get(f"/djdesk/api/task-runs/{run_id}/log/?after=0").json()["lines"]
    return "\n".join(line["text"] for line in lines)


def finished(launched: Launched, run_id: int) -> dict[str, Any] | None:
    state = run_state(launched, run_id)
    return state if state["status"] not in ("requested", "running") else None


def tree_of(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.fixture
def hostile(data_dir: Path) -> Iterator[Launched]:
    django_script(data_dir, CREATE_SLEEP_PRESET, settings=HOSTILE)
    running = launch(data_dir, settings=HOSTILE)
    yield running
    running.cleanup()


def kill_leftovers(procs: list[psutil.Process]) -> None:
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()


# -- worker death ------------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="kill -9")
def test_a_killed_worker_fails_its_preset_run_and_takes_every_descendant(
    hostile: Launched,
) -> None:
    worker = worker_pid(hostile)
    run_id = request_run(hostile, "hostile-sleep")
    text = wait_for(
        lambda: "ready" in (t := log_text(hostile, run_id)).split("\n") and t, timeout=120
    )
    pids = dict(
        line.split() for line in text.split("\n") if line.startswith(("child ", "escaped "))
    )
    tree = tree_of(worker)
    try:
        # The escaped grandchild left the task's session and its parent died: it stays
        # the worker's descendant only because the worker is a subreaper.
        assert {int(pids["child"]), int(pids["escaped"])} <= {p.pid for p in tree}
        assert len(tree) >= 3  # manage.py, its child, the escaped grandchild
        os.kill(worker, signal.SIGKILL)
        state = wait_for(lambda: finished(hostile, run_id), timeout=SETTLE)
        assert state["status"] == "failed"
        assert DEATH_REASON in state["error"]
        wait_for(lambda: not any(alive(p) for p in tree), timeout=SETTLE)
        # Restarted, and a new job runs to its end on the new worker.
        replacement = wait_for(
            lambda: (pid := hostile.health()["worker_pid"]) not in (None, worker) and pid,
            timeout=SETTLE * 4,
        )
        assert hostile.health()["worker_restarts"] == 1
        second = request_run(hostile, "check")
        done = wait_for(lambda: finished(hostile, second), timeout=120)
        assert done["status"] == "succeeded", done
        assert hostile.health()["worker_pid"] == replacement
        assert hostile.stop() == ExitCode.OK
    finally:
        kill_leftovers(tree)


SLOW_SETTINGS = "import time\ntime.sleep(600)\nSECRET_KEY = 'x'\n"


def slow_project(folder: Path) -> Path:
    """A project whose settings take ten minutes to import: a live scan of it hangs."""
    (folder / "slow").mkdir(parents=True)
    (folder / "manage.py").write_text(
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'slow.settings')\n"
    )
    (folder / "slow" / "__init__.py").write_text("")
    (folder / "slow" / "settings.py").write_text(SLOW_SETTINGS)
    return folder


CREATE_TRUSTED_WORKSPACE = """
from djdesk_inspector.models import Workspace

workspace = Workspace.objects.create(
    name="Slow", project_path=PROJECT, interpreter_path=PYTHON, trusted=True
)
print(json.dumps(workspace.slug))
"""

READ_SCAN = """
from djdesk_inspector.models import Scan

scan = Scan.objects.get(pk=SCAN)
print(json.dumps({"status": scan.status, "error": scan.error}))
"""


@pytest.mark.skipif(not POSIX, reason="kill -9")
def test_a_killed_worker_fails_its_scan_and_kills_the_probe(
    launched: Launched, data_dir: Path
) -> None:
    project = slow_project(data_dir.parent / "slow-project")
    slug = django_script(
        data_dir,
        f"PROJECT = {str(project)!r}\nPYTHON = {sys.executable!r}\n" + CREATE_TRUSTED_WORKSPACE,
    )
    worker = worker_pid(launched)
    scan = csrf_post(
        launched,
        f"/djdesk/api/workspaces/{slug}/scans/",
        {"kind": "live"},
        "/djdesk/workspaces/new/",
    )
    read = f"SCAN = {scan['id']}\n" + READ_SCAN
    wait_for(lambda: django_script(data_dir, read)["status"] == "running", timeout=120)
    # The probe, importing the slow settings in the project's interpreter.
    tree = wait_for(lambda: tree_of(worker), timeout=120)
    try:
        os.kill(worker, signal.SIGKILL)
        state = wait_for(
            lambda: (s := django_script(data_dir, read))["status"] != "running" and s,
            timeout=SETTLE,
        )
        assert state["status"] == "failed"
        assert DEATH_REASON in state["error"]
        wait_for(lambda: not any(alive(p) for p in tree), timeout=SETTLE)
        wait_for(lambda: launched.health()["worker_pid"] not in (None, worker), timeout=SETTLE * 4)
        assert launched.stop() == ExitCode.OK
    finally:
        kill_leftovers(tree)


# -- one launcher per data dir -----------------------------------------------------


def test_a_second_launcher_on_a_locked_data_dir_exits_6_naming_the_holder(
    launched: Launched, data_dir: Path
) -> None:
    database = data_dir / "db.sqlite3"
    before = digest(database)
    code, out, err = run_to_exit(data_dir)
    assert code == ExitCode.DATA_DIR_LOCKED
    assert out == ""
    lines = [line for line in err.splitlines() if line.startswith("djdesk:")]
    assert len(lines) == 1, err
    assert f"pid {launched.proc.pid}" in lines[0]
    assert str(data_dir) in lines[0]
    assert "Traceback" not in err
    # The first one keeps serving, on an untouched database and its own pid file.
    assert launched.health()["status"] == "ok"
    assert (data_dir / PID_NAME).read_text().strip() == str(launched.proc.pid)
    assert digest(database) == before
    assert launched.stop() == ExitCode.OK
    # Once the holder is gone, the folder is free again.
    relaunched = launch(data_dir)
    try:
        assert relaunched.stop() == ExitCode.OK
    finally:
        relaunched.cleanup()


def test_djdesk_serve_takes_the_same_lock(launched: Launched, data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "djdesk_serve", "--settings", "atlas.settings_desktop"],
        cwd=PROJECT,
        env=launch_env(None, DJDESK_DATA_DIR=str(data_dir)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == ExitCode.DATA_DIR_LOCKED, result.stderr
    assert f"pid {launched.proc.pid}" in result.stderr
    assert result.stdout == ""
    assert launched.stop() == ExitCode.OK


# -- a data dir that cannot be written ---------------------------------------------


def launcher_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "djdesk_electron_kit.launch", "--settings", SETTINGS, *args]


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_a_data_dir_below_a_file_exits_7_naming_the_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "data"
    stderr = tmp_path / "stderr.log"
    with stderr.open("wb") as err:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "djdesk_electron_kit.launch",
                "--settings",
                "atlas.settings_desktop",
                "--data-dir",
                str(target),
            ],
            cwd=PROJECT,
            env=launch_env(new_token()),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            timeout=120,
            check=False,
        )
    assert proc.returncode == ExitCode.DATA_DIR_UNWRITABLE
    assert proc.stdout == b""
    line = one_line(stderr.read_text())
    assert str(target) in line
    assert line.startswith("djdesk: cannot write to the folder")


def test_a_per_user_data_dir_that_cannot_be_created_exits_7(tmp_path: Path) -> None:
    """No --data-dir: the project's own settings write into the per-user folder first."""
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    env = launch_env(new_token(), HOME=str(blocker), XDG_DATA_HOME=str(blocker / "share"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "djdesk_electron_kit.launch",
            "--settings",
            "atlas.settings_desktop",
        ],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == ExitCode.DATA_DIR_UNWRITABLE, proc.stderr
    assert str(blocker) in one_line(proc.stderr)


def chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


def writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_text("")
    except OSError:
        return False
    probe.unlink()
    return True


@pytest.fixture
def read_only_data_dir(data_dir: Path) -> Iterator[Path]:
    """The migrated data dir made read-only: chmod for a normal user, the immutable
    flag when running as root (who ignores modes)."""
    data_dir.chmod(0o500)
    flagged = False
    if os.access(data_dir, os.W_OK) and writable(data_dir):
        flagged = chattr("+i", data_dir)
        if not flagged:
            data_dir.chmod(0o700)
            pytest.skip("running as root and chattr +i is unavailable: no read-only folder")
    try:
        assert not writable(data_dir)
        yield data_dir
    finally:
        if flagged:
            chattr("-i", data_dir)
        data_dir.chmod(0o700)


def test_a_read_only_data_dir_exits_7_naming_the_folder(read_only_data_dir: Path) -> None:
    before = digest(read_only_data_dir / "db.sqlite3")
    code, out, err = run_to_exit(read_only_data_dir)
    assert (code, out) == (ExitCode.DATA_DIR_UNWRITABLE, "")
    assert one_line(err).startswith(f"djdesk: cannot write to the folder {read_only_data_dir} (")
    assert digest(read_only_data_dir / "db.sqlite3") == before


# -- the host project's presets see the launcher's database ------------------------


def test_a_host_preset_sees_the_launchers_migrated_database(data_dir: Path) -> None:
    home = data_dir.parent / "home"
    home.mkdir()
    token = new_token()
    # A private HOME: a child that fell back to the per-user folder would write there.
    proc = start(data_dir, token=token, env=launch_env(token, HOME=str(home)))
    stderr_path = data_dir.parent / f"{data_dir.name}-stderr.log"
    launched = Launched(proc, read_ready(proc, stderr_path), token, data_dir, stderr_path)
    try:
        run_id = request_run(launched, "showmigrations")
        state = wait_for(lambda: finished(launched, run_id), timeout=120)
        text = log_text(launched, run_id)
        assert state["status"] == "succeeded", (state, text)
        assert state["settings_module"] == "atlas.settings_desktop"
        applied = [line for line in text.splitlines() if line.strip().startswith("[X]")]
        unapplied = [line for line in text.splitlines() if line.strip().startswith("[ ]")]
        assert applied and not unapplied, text
        assert launched.stop() == ExitCode.OK
    finally:
        launched.cleanup()
    created = [p.name for p in home.rglob("*") if p.name in ("secret_key", "db.sqlite3")]
    assert created == []
