"""Step 8: start the bundle the way the Electron shell does, and ask it if it is healthy.

``<python> -m djdesk_electron_kit.launch --settings <desktop settings> --data-dir
<tmp> --token-stdin`` with ``PYTHONPATH`` = app + site-packages, a fresh token as
the first line of its stdin (never in its environment) and an allowlisted
environment, from ``app/``. The build passes when the READY line comes,
``/djdesk/desktop/health/`` answers 200 with the token and 403 without, and the
launcher exits 0 once its stdin is closed (contract step 7); otherwise its tree is
killed and the build stops with the launcher's last words.
"""

from __future__ import annotations

import contextlib
import http.client
import queue
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from djdesk_electron_kit import handshake, token_source
from djdesk_electron_kit import runtime as desktop_runtime
from djdesk_electron_kit.bundle import child, layout
from djdesk_electron_kit.bundle.errors import BundleError
from djdesk_inspector.kernel import processes

READY_TIMEOUT = 180.0
REQUEST_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
HEALTH_PATH = "/djdesk/desktop/health/"
LAUNCHER = "djdesk_electron_kit.launch"


@dataclass(frozen=True)
class Smoke:
    port: int
    ready_seconds: float


def _read_lines(stream: IO[bytes], lines: queue.Queue[str | None]) -> None:
    """Reader thread; it closes its own pipe at EOF (never closed under a blocked read)."""
    try:
        for raw in iter(stream.readline, b""):
            lines.put(raw.decode("utf-8", "replace"))
    except (OSError, ValueError):
        pass
    finally:
        lines.put(None)
        with contextlib.suppress(OSError):
            stream.close()


def _last_words(stderr_file: Path) -> str:
    try:
        text = stderr_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "no output"
    return child.summary(text.splitlines()[-child.TAIL_LINES :])


def _wait_ready(
    proc: subprocess.Popen[bytes], stderr_file: Path, timeout: float
) -> handshake.Ready:
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BundleError(f"the bundle did not print DJDESK_READY within {timeout:.0f} s")
        try:
            line = lines.get(timeout=min(remaining, 0.2))
        except queue.Empty:
            continue
        if line is None:
            proc.wait(timeout=STOP_TIMEOUT)
            raise BundleError(
                f"the bundle exited before it was ready (exit {proc.returncode}): "
                f"{_last_words(stderr_file)}"
            )
        try:
            return handshake.parse_line(line)
        except ValueError as exc:
            raise BundleError(f"the bundle broke the READY protocol: {exc}") from exc


def _get(port: int, path: str, token: str | None) -> int:
    connection = http.client.HTTPConnection(desktop_runtime.LOOPBACK, port, timeout=REQUEST_TIMEOUT)
    headers = {"Host": f"{desktop_runtime.LOOPBACK}:{port}"}
    if token is not None:
        headers[desktop_runtime.TOKEN_HEADER] = token
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError as exc:
        raise BundleError(f"the bundle did not answer {path}: {exc}") from exc
    finally:
        connection.close()


def _send_token(proc: subprocess.Popen[bytes], token: str) -> None:
    """The token line, as the shell writes it; stdin stays open (closing it stops)."""
    if proc.stdin is None:
        return
    # A launcher that already died is reported by _wait_ready with its last words.
    with contextlib.suppress(OSError):
        proc.stdin.write(f"{token}\n".encode("ascii"))
        proc.stdin.flush()


def _stop(proc: subprocess.Popen[bytes]) -> int | None:
    """Close stdin (the shell's polite stop); returns the exit code, None if it hung."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    try:
        return proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        processes.kill_tree(proc)
        return None


def check(
    root: Path,
    *,
    python: Path,
    settings_module: str,
    python_path: str | None = None,
    timeout: float = READY_TIMEOUT,
) -> Smoke:
    """Launch the bundle at ``root`` once; BundleError with one line when it is not healthy."""
    token = secrets.token_urlsafe(32)
    work = Path(tempfile.mkdtemp(prefix="djdesk-bundle-launch-"))
    stderr_file = work / "stderr.log"
    env = child.clean_env(
        PYTHONPATH=python_path or layout.python_path(root),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    argv: list[str | Path] = [
        python,
        "-m",
        LAUNCHER,
        "--settings",
        settings_module,
        "--data-dir",
        work / "data",
        token_source.STDIN_FLAG,
    ]
    started = time.monotonic()
    try:
        with stderr_file.open("wb") as stderr:
            try:
                proc = processes.start(
                    argv, cwd=root / layout.APP, env=env, stdin=subprocess.PIPE, stderr=stderr
                )
            except OSError as exc:
                raise BundleError(f"cannot start the bundle's interpreter {python}: {exc}") from exc
            try:
                _send_token(proc, token)
                ready = _wait_ready(proc, stderr_file, timeout)
                elapsed = time.monotonic() - started
                status = _get(ready.port, HEALTH_PATH, token)
                if status != 200:
                    raise BundleError(f"{HEALTH_PATH} answered {status} with the token, not 200")
                status = _get(ready.port, HEALTH_PATH, None)
                if status != 403:
                    raise BundleError(f"{HEALTH_PATH} answered {status} without the token, not 403")
                code = _stop(proc)
                if code is None:
                    raise BundleError(
                        f"the bundle did not stop within {STOP_TIMEOUT:.0f} s of stdin closing"
                    )
                if code != 0:
                    raise BundleError(
                        f"the bundle stopped with exit code {code}: {_last_words(stderr_file)}"
                    )
                return Smoke(port=ready.port, ready_seconds=elapsed)
            finally:
                # Always: the launcher's detached descendants go too (its run mark).
                processes.kill_tree(proc)
                proc.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)
