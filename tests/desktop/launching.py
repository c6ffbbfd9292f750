"""Run the real launcher as a subprocess, the way the Electron shell does.

Every launch gets an explicit environment (no inherited DJANGO_SETTINGS_MODULE or
test settings), a fresh token, stdin as a pipe the test holds, and stderr in a file.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from djdesk_electron_kit.handshake import Ready, parse_line

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PROJECT = ROOT / "example_project"
SETTINGS = "atlas.settings_desktop"
BROKEN_SETTINGS = "tests.desktop.broken_migration_settings"
READY_TIMEOUT = 180.0
EXIT_TIMEOUT = 60.0
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "USERPROFILE", "TEMP")


def launch_env(token: str | None, **extra: str) -> dict[str, str]:
    env = {key: os.environ[key] for key in PASSTHROUGH if key in os.environ}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(ROOT)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if token is not None:
        env["DJDESK_TOKEN"] = token
    env.update(extra)
    return env


def new_token() -> str:
    return secrets.token_urlsafe(32)


def wait_for(condition: Callable[[], Any], *, timeout: float = 60.0, interval: float = 0.1) -> Any:
    """Poll until ``condition()`` is truthy; fail (not time) after a generous deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition never became true: {condition}")
        time.sleep(interval)


def pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        result = subprocess.run(
            ["tasklist", "/FI", f"PID eq {pid}"], capture_output=True, text=True, check=False
        )
        return str(pid) in result.stdout
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        with contextlib.suppress(OSError):
            return "\nState:\tZ" not in status.read_text()
    return True


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Launched:
    proc: subprocess.Popen[bytes]
    ready: Ready
    token: str
    data_dir: Path
    stderr_path: Path
    worker_pids: set[int] = field(default_factory=set)

    @property
    def port(self) -> int:
        return self.ready.port

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        token: bool = True,
        host: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}" if host is None else host}
        if token:
            sent["X-DJDesk-Token"] = self.token
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def health(self) -> dict[str, Any]:
        answer = self.get("/djdesk/desktop/health/")
        assert answer.status == 200, answer
        data = answer.json()
        if data.get("worker_pid"):
            self.worker_pids.add(data["worker_pid"])
        return data

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.wait()

    def wait(self) -> int:
        code = self.proc.wait(timeout=EXIT_TIMEOUT)
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return code

    def cleanup(self) -> None:
        """Never leave processes behind, whatever the test did."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=EXIT_TIMEOUT)
        for pid in self.worker_pids:
            if pid_alive(pid) and _is_worker(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _is_worker(pid: int) -> bool:
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True  # no /proc: trust the pid we recorded moments ago
    return b"djdesk_electron_kit.worker" in cmdline.read_bytes()


def start(
    data_dir: Path,
    *,
    settings: str = SETTINGS,
    token: str | None = None,
    args: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
    token_stdin: bool = False,
) -> subprocess.Popen[bytes]:
    """Start a launcher; with ``token_stdin`` the token goes in as stdin's first line
    (``--token-stdin``, what the shell does) instead of ``DJDESK_TOKEN``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    stderr = (data_dir.parent / f"{data_dir.name}-stderr.log").open("ab")
    token = token or new_token()
    if token_stdin:
        args = (*args, "--token-stdin")
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "djdesk_electron_kit.launch",
                "--settings",
                settings,
                "--data-dir",
                str(data_dir),
                *args,
            ],
            cwd=PROJECT,
            env=dict(env) if env is not None else launch_env(None if token_stdin else token),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    finally:
        stderr.close()
    if token_stdin:
        assert proc.stdin is not None
        proc.stdin.write(f"{token}\n".encode())
        proc.stdin.flush()
    return proc


def read_ready(proc: subprocess.Popen[bytes], stderr_path: Path) -> Ready:
    assert proc.stdout is not None
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(READY_TIMEOUT)
    if not lines or not lines[0]:
        proc.kill()
        proc.wait()
        raise AssertionError(
            "the launcher printed no READY line; stderr:\n"
            + stderr_path.read_text(errors="replace")[-4000:]
        )
    return parse_line(lines[0].decode("utf-8"))


def launch(
    data_dir: Path,
    *,
    settings: str = SETTINGS,
    token: str | None = None,
    args: tuple[str, ...] = (),
    token_stdin: bool = False,
) -> Launched:
    token = token or new_token()
    proc = start(data_dir, settings=settings, token=token, args=args, token_stdin=token_stdin)
    stderr_path = data_dir.parent / f"{data_dir.name}-stderr.log"
    return Launched(proc, read_ready(proc, stderr_path), token, data_dir, stderr_path)


def run_to_exit(
    data_dir: Path,
    *,
    settings: str = SETTINGS,
    token: str | None = None,
    args: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
) -> tuple[int, str, str]:
    """Launch expecting an early exit: (exit code, stdout, stderr)."""
    proc = start(data_dir, settings=settings, token=token, args=args, env=env)
    out, _ = proc.communicate(timeout=READY_TIMEOUT)
    stderr_path = data_dir.parent / f"{data_dir.name}-stderr.log"
    return proc.returncode, out.decode(), stderr_path.read_text(errors="replace")


def django_script(data_dir: Path, code: str, *, settings: str = SETTINGS) -> Any:
    """Run ``code`` with Django set up in the launcher's configuration; its stdout as JSON."""
    env = launch_env(None, DJANGO_SETTINGS_MODULE=settings, DJDESK_DATA_DIR=str(data_dir))
    prelude = "import django, json\ndjango.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=READY_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
