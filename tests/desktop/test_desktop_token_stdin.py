"""``--token-stdin``: the launch token arrives as stdin's first line, never in the
process's environment block, and stdin closing still stops the launcher. The same
real launcher then takes the hostile bodies that once answered 500."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk_electron_kit.exitcodes import ExitCode
from tests.desktop.launching import (
    EXIT_TIMEOUT,
    PROJECT,
    Launched,
    launch,
    launch_env,
    new_token,
    read_ready,
    run_to_exit,
    start,
)

pytestmark = pytest.mark.slow
LINUX = sys.platform.startswith("linux")
CSRF_SECRET = "s" * 32  # an unmasked secret: cookie and header carry the same value
HEALTH = "/djdesk/desktop/health/"


@pytest.fixture(scope="module")
def stdin_launched(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Path
) -> Iterator[Launched]:
    target = tmp_path_factory.mktemp("desktop-token-stdin") / "data"
    shutil.copytree(migrated_template, target, ignore=shutil.ignore_patterns("logs"))
    running = launch(target, token_stdin=True)
    yield running
    running.cleanup()


@pytest.mark.skipif(not LINUX, reason="/proc/<pid>/environ is Linux's")
def test_the_token_is_not_in_the_initial_environment_block(stdin_launched: Launched):
    environ = Path(f"/proc/{stdin_launched.proc.pid}/environ").read_bytes()
    assert stdin_launched.token.encode() not in environ
    assert b"DJDESK_TOKEN=" not in environ
    # The block is really the launcher's: it holds what launch_env() gave it.
    assert b"PYTHONDONTWRITEBYTECODE=1" in environ


def test_requests_with_the_stdin_token_work(stdin_launched: Launched):
    assert stdin_launched.get(HEALTH).status == 200
    assert stdin_launched.get(HEALTH, token=False).status == 403
    wrong = stdin_launched.get(HEALTH, headers={"X-DJDesk-Token": new_token()})
    assert wrong.status == 403


def test_stdin_closing_still_stops_a_launcher_that_read_its_token_there(data_dir: Path):
    launched = launch(data_dir, token_stdin=True)
    try:
        assert launched.get(HEALTH).status == 200
        assert launched.proc.stdin is not None
        launched.proc.stdin.close()
        assert launched.proc.wait(timeout=EXIT_TIMEOUT) == 0, launched.stderr()
        logs = "".join(f.read_text(errors="replace") for f in (data_dir / "logs").glob("*.log*"))
        assert "Stopping: stdin closed" in logs
    finally:
        launched.cleanup()


def test_sigterm_still_stops_it(data_dir: Path):
    launched = launch(data_dir, token_stdin=True)
    try:
        assert launched.stop(signal.SIGTERM) == 0, launched.stderr()
    finally:
        launched.cleanup()


def test_no_token_line_is_a_usage_error(tmp_path: Path):
    data_dir = tmp_path / "data"
    proc = start(data_dir, args=("--token-stdin",), env=launch_env(None))
    _, _ = proc.communicate(input=b"", timeout=EXIT_TIMEOUT)
    stderr = (tmp_path / "data-stderr.log").read_text()
    assert proc.returncode == ExitCode.USAGE
    assert "--token-stdin: stdin closed or sent an empty line before the token" in stderr


def test_a_short_token_line_is_refused_naming_stdin(tmp_path: Path):
    data_dir = tmp_path / "data"
    proc = start(data_dir, args=("--token-stdin",), env=launch_env(None))
    _, _ = proc.communicate(input=b"short\n", timeout=EXIT_TIMEOUT)
    stderr = (tmp_path / "data-stderr.log").read_text()
    assert proc.returncode == ExitCode.USAGE
    assert "the token line on stdin is shorter than 32 characters" in stderr


def test_stdin_wins_over_the_variable(tmp_path: Path, migrated_template: Path):
    """With both, the variable is ignored (a stale one in the shell must not count)."""
    data_dir = tmp_path / "data"
    shutil.copytree(migrated_template, data_dir, ignore=shutil.ignore_patterns("logs"))
    stale = new_token()
    fresh = new_token()
    proc = start(data_dir, token=fresh, args=("--token-stdin",), env=launch_env(stale))
    assert proc.stdin is not None
    proc.stdin.write(f"{fresh}\n".encode())
    proc.stdin.flush()
    stderr_path = tmp_path / "data-stderr.log"
    launched = Launched(proc, read_ready(proc, stderr_path), fresh, data_dir, stderr_path)
    try:
        assert launched.get(HEALTH).status == 200
        assert launched.get(HEALTH, headers={"X-DJDesk-Token": stale}).status == 403
    finally:
        launched.cleanup()


def test_without_the_flag_the_variable_still_works(launched: Launched):
    assert launched.get(HEALTH).status == 200


def test_a_missing_variable_is_still_a_usage_error(tmp_path: Path):
    code, _, stderr = run_to_exit(tmp_path / "data", env=launch_env(None))
    assert code == ExitCode.USAGE
    assert "DJDESK_TOKEN is not set" in stderr


def test_djdesk_serve_takes_the_token_from_stdin_too(data_dir: Path):
    token = new_token()
    stderr_path = data_dir.parent / "serve-stderr.log"
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "djdesk_serve",
                "--settings",
                "atlas.settings_desktop",
                "--token-stdin",
                "--watch-stdin",
            ],
            cwd=PROJECT,
            env=launch_env(None, DJDESK_DATA_DIR=str(data_dir)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(f"{token}\n".encode())
    proc.stdin.flush()
    launched = Launched(proc, read_ready(proc, stderr_path), token, data_dir, stderr_path)
    try:
        assert launched.get(HEALTH).status == 200
        assert launched.get(HEALTH, headers={"X-DJDesk-Token": new_token()}).status == 403
        if LINUX:
            assert token.encode() not in Path(f"/proc/{proc.pid}/environ").read_bytes()
        proc.stdin.close()  # --watch-stdin: the same stream still stops it
        assert proc.wait(timeout=EXIT_TIMEOUT) == ExitCode.OK, launched.stderr()
    finally:
        launched.cleanup()


# -- the three 500s of the hostile-input run, against the real launcher ---------------

HOSTILE = {
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "integer over 4,300 digits": b'{"preset": ' + b"9" * 5_000 + b"}",
    "lone surrogate": b'{"preset": "\\ud800", "template": "\\ud800", "kind": "\\ud800"}',
}


def post(launched: Launched, path: str, body: bytes, content_type: str = "application/json"):
    return launched.request(
        "POST",
        path,
        headers={
            "Content-Type": content_type,
            "Cookie": f"csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
        },
        body=body,
    )


@pytest.fixture(scope="module")
def workspace_slug(stdin_launched: Launched, tmp_path_factory: pytest.TempPathFactory) -> str:
    project = tmp_path_factory.mktemp("hostile-project")
    (project / "manage.py").write_text("print('not run')\n")
    created = post(
        stdin_launched,
        "/djdesk/api/workspaces/",
        json.dumps({"project_path": str(project), "name": "Hostile target"}).encode(),
    )
    assert created.status == 201, created.body
    return str(created.json()["slug"])


def test_the_original_500s_are_json_400s_on_the_real_launcher(
    stdin_launched: Launched, workspace_slug: str
):
    paths = (
        "/djdesk/api/workspaces/",
        f"/djdesk/api/workspaces/{workspace_slug}/scans/",
        f"/djdesk/api/workspaces/{workspace_slug}/exports/",
        "/djdesk/api/task-runs/",
    )
    answers = {
        (name, path): post(stdin_launched, path, body)
        for name, body in HOSTILE.items()
        for path in paths
    }
    statuses = {key: answer.status for key, answer in answers.items()}
    assert set(statuses.values()) == {400}, statuses
    for key, answer in answers.items():
        assert answer.headers["Content-Type"] == "application/json", key
        assert answer.json()["errors"]["__all__"], key
    assert stdin_launched.get(HEALTH).status == 200  # still serving


def test_request_parsing_failures_are_json_on_the_real_launcher(stdin_launched: Launched):
    too_big = post(
        stdin_launched, "/djdesk/api/task-runs/", b'{"preset": "' + b"x" * 3_000_000 + b'"}'
    )
    assert too_big.status == 413
    assert too_big.headers["Content-Type"] == "application/json"
    no_boundary = post(stdin_launched, "/djdesk/api/task-runs/", b"--x\r\n", "multipart/form-data")
    assert no_boundary.status == 400
    assert no_boundary.headers["Content-Type"] == "application/json"
    newline = stdin_launched.get("/djdesk/api/a%0Ab/")
    assert newline.status == 404
    assert newline.headers["Content-Type"] == "application/json"
