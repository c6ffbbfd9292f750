"""Desktop launcher start-up figures for the example project, printed as JSON.

    .venv/bin/python bench/startup.py [--runs 5]

* ``cold_ready_ms``: spawn -> READY on an empty data dir (creates and migrates the DB);
* ``warm_ready_ms``: spawn -> READY on that data dir again (median of ``--runs``);
* ``floor_ms``: ``python -c "import django; django.setup()"`` with the same settings,
  spawn -> setup done (its interpreter exit is not counted, as READY comes before
  the launcher's), and ``warm_over_floor`` (target <= 1.5);
* ``warm_first_200_ms`` vs ``runserver_first_200_ms`` (``manage.py migrate &&
  manage.py runserver``, same settings and database): spawn -> first 200 on
  ``/djdesk/``, and ``speedup_vs_runserver`` (target >= 2);
* ``idle_rss_mb``: server + worker resident memory once idle (Linux ``/proc``; target
  <= 120).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
PROJECT = ROOT / "example_project"
SETTINGS = "atlas.settings_desktop"

from djdesk_electron_kit.handshake import parse_line  # noqa: E402

TARGETS = {"warm_over_floor": 1.5, "speedup_vs_runserver": 2.0, "idle_rss_mb": 120}
PASSTHROUGH = ("PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT")


def environment(data_dir: Path, token: str | None = None) -> dict[str, str]:
    env = {key: os.environ[key] for key in PASSTHROUGH if key in os.environ}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["DJDESK_DATA_DIR"] = str(data_dir)
    if token:
        env["DJDESK_TOKEN"] = token
    return env


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def status(port: int, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def launch(data_dir: Path) -> tuple[subprocess.Popen[bytes], float, int, str]:
    """Spawn the launcher; returns it, seconds to READY, the port and the token."""
    token = secrets.token_urlsafe(32)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "djdesk_electron_kit.launch", "--settings", SETTINGS],
        cwd=PROJECT,
        env=environment(data_dir, token),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    ready = parse_line(proc.stdout.readline().decode())
    return proc, time.perf_counter() - started, ready.port, token


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


def warm_first_200(data_dir: Path) -> tuple[float, float]:
    started = time.perf_counter()
    proc, ready, port, token = launch(data_dir)
    code = status(port, "/djdesk/", {"X-DJDesk-Token": token})
    first = time.perf_counter() - started
    stop(proc)
    assert code == 200, code
    return ready, first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def runserver_first_200(data_dir: Path) -> float:
    """``manage.py migrate && manage.py runserver`` until ``/djdesk/`` answers 200."""
    env = environment(data_dir)
    manage = [sys.executable, "manage.py"]
    port = free_port()
    started = time.perf_counter()
    subprocess.run(
        [*manage, "migrate", "--settings", SETTINGS],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--settings", SETTINGS],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                if status(port, "/djdesk/", {}) == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.01)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def floor(data_dir: Path) -> float:
    """Spawn -> ``django.setup()`` done, like spawn -> READY (interpreter exit excluded)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup(); print('up', flush=True)"],
        cwd=PROJECT,
        env={**environment(data_dir), "DJANGO_SETTINGS_MODULE": SETTINGS},
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=60)
    proc.stdout.close()
    assert line == b"up\n", line
    return elapsed


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def idle_rss(data_dir: Path) -> dict[str, float] | None:
    if not Path("/proc/self/status").exists():
        return None
    proc, _, port, token = launch(data_dir)
    try:
        worker = 0
        while not worker:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/djdesk/desktop/health/", headers={"X-DJDesk-Token": token})
            worker = json.loads(connection.getresponse().read())["worker_pid"] or 0
            connection.close()
        status(port, "/djdesk/", {"X-DJDesk-Token": token})
        time.sleep(5)  # the worker finishes django.setup() and settles into polling
        server_mb, worker_mb = rss_mb(proc.pid), rss_mb(worker)
    finally:
        stop(proc)
    return {
        "server": round(server_mb, 1),
        "worker": round(worker_mb, 1),
        "total": round(server_mb + worker_mb, 1),
    }


def median_ms(measure: Callable[[], float], runs: int) -> float:
    return ms(statistics.median(measure() for _ in range(runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="djdesk-bench-") as scratch:
        data_dir = Path(scratch) / "data"
        proc, cold, _, _ = launch(data_dir)
        stop(proc)
        # Interleaved, so a busy machine slows both sides of the ratio alike.
        warm, floors = [], []
        for _ in range(runs):
            warm.append(warm_first_200(data_dir))
            floors.append(floor(data_dir))
        warm_ready = ms(statistics.median(ready for ready, _ in warm))
        warm_first = ms(statistics.median(first for _, first in warm))
        floor_ms = ms(statistics.median(floors))
        runserver_ms = median_ms(lambda: runserver_first_200(data_dir), runs)
        memory = idle_rss(data_dir)
    import django

    print(
        json.dumps(
            {
                "runs": runs,
                "python": sys.version.split()[0],
                "django": django.get_version(),
                "cold_ready_ms": ms(cold),
                "warm_ready_ms": warm_ready,
                "floor_ms": floor_ms,
                "warm_over_floor": round(warm_ready / floor_ms, 2),
                "warm_first_200_ms": warm_first,
                "runserver_first_200_ms": runserver_ms,
                "speedup_vs_runserver": round(runserver_ms / warm_first, 2),
                "idle_rss_mb": memory,
                "targets": TARGETS,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
