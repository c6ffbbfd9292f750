"""Start, stop, crash and relaunch the real launcher; the worker it supervises."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from djdesk_electron_kit.exitcodes import ExitCode
from djdesk_electron_kit.handshake import parse_line
from tests.desktop.launching import (
    PROJECT,
    Launched,
    django_script,
    launch,
    launch_env,
    pid_alive,
    run_to_exit,
    wait_for,
)

pytestmark = pytest.mark.slow
POSIX = sys.platform != "win32"


def worker_pid(launched: Launched) -> int:
    return wait_for(lambda: launched.health()["worker_pid"])


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
def test_sigterm_stops_worker_and_server_and_exits_0(launched: Launched) -> None:
    pid = worker_pid(launched)
    assert pid_alive(pid)
    assert launched.stop(signal.SIGTERM) == ExitCode.OK
    assert not pid_alive(pid)
    assert group_gone(pid)  # the worker led its own group: nothing of it is left
    assert "Traceback" not in launched.stderr()


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
def test_sigint_exits_0_too(launched: Launched) -> None:
    pid = worker_pid(launched)
    assert launched.stop(signal.SIGINT) == ExitCode.OK
    assert not pid_alive(pid)


def test_closing_stdin_stops_the_launcher(launched: Launched) -> None:
    pid = worker_pid(launched)
    assert launched.proc.stdin is not None
    launched.proc.stdin.close()
    assert launched.wait() == ExitCode.OK
    assert not pid_alive(pid)


def test_relaunch_reuses_the_secret_key_and_the_database(data_dir: Path) -> None:
    key_file = data_dir / "secret_key"
    key = key_file.read_text()
    if POSIX:
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = launch(data_dir)
    try:
        created = create_workspace(first, data_dir)
        assert first.stop() == ExitCode.OK
    finally:
        first.cleanup()
    second = launch(data_dir)
    try:
        listed = second.get("/djdesk/api/workspaces/").json()["workspaces"]
        assert [w["slug"] for w in listed] == [created]
        assert second.stop() == ExitCode.OK
    finally:
        second.cleanup()
    assert key_file.read_text() == key


def create_workspace(launched: Launched, data_dir: Path) -> str:
    """Through the API, with the token and a CSRF cookie, as the app's own pages do."""
    project = data_dir.parent / "mini"
    (project / "mini").mkdir(parents=True)
    (project / "manage.py").write_text("import os\n")
    (project / "mini" / "__init__.py").write_text("")
    (project / "mini" / "settings.py").write_text("SECRET_KEY = 'x'\n")
    page = launched.get("/djdesk/workspaces/new/")
    csrf = next(
        value.split(";")[0].split("=", 1)[1]
        for name, value in page.headers.items()
        if name.lower() == "set-cookie" and value.startswith("csrftoken=")
    )
    answer = launched.request(
        "POST",
        "/djdesk/api/workspaces/",
        headers={
            "Content-Type": "application/json",
            "Cookie": f"csrftoken={csrf}",
            "X-CSRFToken": csrf,
        },
        body=json.dumps({"project_path": str(project), "name": "Mini"}).encode(),
    )
    assert answer.status == 201, answer.body
    return answer.json()["slug"]


INSERT_INTERRUPTED_WORK = """
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from djdesk_inspector.kernel.compat import TaskResultStatus
from djdesk_inspector.models import Scan, ScanStatus, Workspace
from djdesk_inspector.presets.models import RunStatus, TaskRun

workspace = Workspace.objects.create(name="Crashed", project_path="/tmp/crashed-project")
scan = Scan.objects.create(workspace=workspace, status=ScanStatus.RUNNING, progress=40)
result = DBTaskResult.objects.create(
    status=TaskResultStatus.RUNNING,
    args_kwargs={"args": [], "kwargs": {}},
    task_path="djdesk_inspector.tasks.run_scan",
    backend_name="default",
    run_after=timezone.now(),
    started_at=timezone.now(),
    exception_class_path="",
    traceback="",
)
run = TaskRun.objects.create(
    preset_key="check",
    target="host",
    project_path="/tmp/crashed-project",
    interpreter="python",
    argv=["check"],
    status=RunStatus.RUNNING,
    runner_pid=DEAD_WORKER,
    started_at=timezone.now() - timedelta(hours=1),
    # Old too: a SIGKILLed worker can linger as a zombie where PID 1 reaps nothing.
    heartbeat_at=timezone.now() - timedelta(hours=1),
)
print(json.dumps({"scan": scan.pk, "result": str(result.pk), "run": run.pk}))
"""

READ_STATUSES = """
from django_tasks_db.models import DBTaskResult
from djdesk_inspector.models import Scan
from djdesk_inspector.presets.models import TaskRun

print(json.dumps({
    "scan": Scan.objects.get(pk=IDS["scan"]).status,
    "run": TaskRun.objects.get(pk=IDS["run"]).status,
    "result": DBTaskResult.objects.get(pk=IDS["result"]).status,
    "error": DBTaskResult.objects.get(pk=IDS["result"]).exception_class_path,
}))
"""


@pytest.mark.skipif(not POSIX, reason="kill -9")
def test_after_a_crash_the_next_launch_fails_interrupted_runs(data_dir: Path) -> None:
    crashed = launch(data_dir)
    try:
        pid = worker_pid(crashed)
        crashed.proc.kill()  # kill -9: no cleanup at all
        crashed.proc.wait()
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not pid_alive(pid))
    finally:
        crashed.cleanup()
    # What a task run in flight leaves behind: rows still marked running.
    ids = django_script(data_dir, f"DEAD_WORKER = {pid}\n" + INSERT_INTERRUPTED_WORK)
    relaunched = launch(data_dir)
    try:
        statuses = django_script(data_dir, f"IDS = {ids!r}\n" + READ_STATUSES)
        assert statuses == {
            "scan": "failed",
            "run": "failed",
            "result": "FAILED",
            "error": "djdesk_electron_kit.task_results.InterruptedRun",
        }
        assert relaunched.stop() == ExitCode.OK
    finally:
        relaunched.cleanup()


@pytest.mark.skipif(not POSIX, reason="kill -9")
def test_an_orphaned_worker_stops_when_its_launcher_is_killed(launched: Launched) -> None:
    pid = worker_pid(launched)
    launched.proc.kill()
    launched.proc.wait()
    wait_for(lambda: not pid_alive(pid))


@pytest.mark.skipif(not POSIX, reason="kill -9")
def test_a_killed_worker_is_restarted(launched: Launched) -> None:
    first = worker_pid(launched)
    os.kill(first, signal.SIGKILL)
    health = wait_for(
        lambda: (h := launched.health())["worker_pid"] not in (None, first) and h, timeout=120
    )
    assert health["worker_restarts"] == 1
    assert pid_alive(health["worker_pid"])
    assert launched.stop() == ExitCode.OK
    assert not pid_alive(health["worker_pid"])


@pytest.mark.parametrize("token", [None, "", "too-short"])
def test_no_usable_token_is_a_usage_error(tmp_path: Path, token: str | None) -> None:
    code, out, err = run_to_exit(tmp_path / "data", env=launch_env(token))
    assert code == ExitCode.USAGE
    assert out == ""
    assert "DJDESK_TOKEN" in err
    assert not (tmp_path / "data" / "db.sqlite3").exists()


def test_unknown_settings_module_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = run_to_exit(tmp_path / "data", settings="atlas.no_such_settings")
    assert (code, out) == (ExitCode.USAGE, "")
    assert "atlas.no_such_settings" in err


def test_a_busy_port_is_exit_code_4(data_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run_to_exit(data_dir, args=("--port", str(port)))
    assert (code, out) == (ExitCode.SERVER_FAILED, "")
    assert f"127.0.0.1:{port}" in err


def test_server_and_worker_log_to_their_own_files(launched: Launched, data_dir: Path) -> None:
    launched.get("/djdesk/")
    worker_log = data_dir / "logs" / "worker.log"
    wait_for(lambda: worker_log.exists() and "Starting worker" in worker_log.read_text())
    assert launched.stop() == ExitCode.OK
    server_log = (data_dir / "logs" / "server.log").read_text()
    assert f"Serving on http://127.0.0.1:{launched.port}/" in server_log
    assert "Stopping: SIGTERM" in server_log


def test_a_worker_that_cannot_start_ends_the_launch_with_code_5(data_dir: Path) -> None:
    launched = launch(data_dir, settings="tests.desktop.dying_worker_settings")
    try:
        assert launched.wait() == ExitCode.WORKER_FAILED
    finally:
        launched.cleanup()
    log = (data_dir / "logs" / "server.log").read_text()
    assert "Tasks worker died 2 times in a row; giving up" in log


def test_djdesk_serve_takes_the_same_path_and_prints_a_bootstrap_url(data_dir: Path) -> None:
    stderr_path = data_dir.parent / "serve-stderr.log"
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "djdesk_serve", "--settings", "atlas.settings_desktop"],
            cwd=PROJECT,
            env=launch_env(None, DJDESK_DATA_DIR=str(data_dir)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    try:
        assert proc.stdout is not None
        ready = parse_line(proc.stdout.readline().decode())
        found = wait_for(lambda: re.search(r"open (http://\S+)", stderr_path.read_text()))
        url = urlsplit(found.group(1))
        assert (url.hostname, url.port, url.path) == (
            "127.0.0.1",
            ready.port,
            "/djdesk/desktop/bootstrap/",
        )
        connection = http.client.HTTPConnection("127.0.0.1", ready.port, timeout=60)
        connection.request("GET", f"{url.path}?{url.query}")
        answer = connection.getresponse()
        connection.close()
        assert answer.status == 302
        assert "HttpOnly" in answer.headers["Set-Cookie"]
        proc.send_signal(signal.SIGTERM if POSIX else signal.CTRL_BREAK_EVENT)
        assert proc.wait(timeout=60) == ExitCode.OK
        assert proc.stdout.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_djdesk_serve_refuses_settings_without_the_middleware(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "djdesk_serve", "--settings", "atlas.settings"],
        cwd=PROJECT,
        env=launch_env(None, ATLAS_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "not desktop settings" in result.stderr
    assert result.stdout == ""
