"""Run ``manage.py djdesk_bundle`` and the bundles it makes, as real subprocesses.

Builds get an explicit environment: never the test run's DJANGO_SETTINGS_MODULE.
A bundle is launched the way the Electron shell does it (``backend.js``): its own
interpreter, ``PYTHONPATH`` = app + site-packages, cwd ``app/``, a fresh token as the
first line of its stdin (``--token-stdin``).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import secrets
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from djdesk_electron_kit.handshake import Ready, parse_line

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example_project"
EXAMPLE_DESKTOP_SETTINGS = "atlas.settings_desktop"
BUILD_TIMEOUT = 900
READY_TIMEOUT = 180
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "USERPROFILE", "TEMP")


def base_env(**extra: str) -> dict[str, str]:
    env = {key: os.environ[key] for key in PASSTHROUGH if key in os.environ}
    env.update({k: v for k, v in os.environ.items() if k.startswith("PIP_")})
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def command_argv(*args: str, python: Path | None = None, project: Path = EXAMPLE) -> list[str]:
    return [str(python or sys.executable), str(project / "manage.py"), "djdesk_bundle", *args]


def command(
    *args: str, python: Path | None = None, project: Path = EXAMPLE, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command_argv(*args, python=python, project=project),
        cwd=project,
        env=base_env(**env),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )


def build(
    output: Path,
    *args: str,
    runtime: str = "system",
    python: Path | None = None,
    project: Path = EXAMPLE,
    check: bool = True,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run a build to completion; by default fail the test when it fails."""
    done = command(
        "--output", str(output), "--runtime", runtime, *args, python=python, project=project, **env
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"djdesk_bundle failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done


def bundle_python(bundle: Path) -> Path:
    if sys.platform == "win32":
        return bundle / "python" / "python.exe"
    return bundle / "python" / "bin" / "python3"


@dataclass
class Launched:
    proc: subprocess.Popen[bytes]
    ready: Ready
    token: str

    def get(self, path: str, *, token: bool = True) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.ready.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.ready.port}"}
        if token:
            headers["X-DJDesk-Token"] = self.token
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def _read_ready(proc: subprocess.Popen[bytes]) -> Ready:
    assert proc.stdout is not None
    found: list[Ready] = []

    def read() -> None:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        with contextlib.suppress(ValueError):
            found.append(parse_line(line.decode("utf-8", "replace")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(READY_TIMEOUT)
    if not found:
        raise AssertionError("the bundle printed no READY line")
    return found[0]


@contextlib.contextmanager
def launch(
    bundle: Path, data_dir: Path, settings: str = EXAMPLE_DESKTOP_SETTINGS
) -> Iterator[Launched]:
    """Start the bundle like the shell; stop it by closing stdin, and insist on exit 0."""
    token = secrets.token_urlsafe(32)
    env = base_env(
        PYTHONPATH=os.pathsep.join([str(bundle / "app"), str(bundle / "site-packages")]),
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    stderr = (data_dir.parent / "launch-stderr.log").open("wb")
    proc = subprocess.Popen(
        [
            str(bundle_python(bundle)),
            "-m",
            "djdesk_electron_kit.launch",
            "--settings",
            settings,
            "--data-dir",
            str(data_dir),
            "--token-stdin",
        ],
        cwd=bundle / "app",
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        start_new_session=sys.platform != "win32",
    )
    assert proc.stdin is not None
    proc.stdin.write(f"{token}\n".encode())
    proc.stdin.flush()
    try:
        try:
            ready = _read_ready(proc)
        except AssertionError:
            proc.kill()
            proc.wait()
            stderr.close()
            log = (data_dir.parent / "launch-stderr.log").read_text(errors="replace")
            raise AssertionError(f"no READY line; stderr:\n{log[-4000:]}") from None
        yield Launched(proc=proc, ready=ready, token=token)
        assert proc.stdin is not None
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        stderr.close()


def siblings(output: Path) -> list[str]:
    """Hidden staging/swap leftovers next to ``output``."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float = 300) -> list[str]:
    """Read the child's stdout until a line contains ``needle``; return the lines read."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"output ended before {needle!r}: {''.join(lines)}")
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"no {needle!r} within {timeout} s")


def make_tar(path: Path, members: Sequence[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    """A gzipped tar with exactly ``members`` (data for files, None otherwise)."""
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            else:
                archive.addfile(info)
    return path


def file_member(name: str, data: bytes = b"x", mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode = mode
    return info, data


def dir_member(name: str) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    return info, None


def link_member(name: str, target: str, *, hard: bool = False) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info, None
