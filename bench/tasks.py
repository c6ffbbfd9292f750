"""Task-run figures with django-tasks-db's DatabaseBackend and real ``db_worker`` processes.

* latency: request (POST) -> first log line visible through the log API, median of
  several runs; also -> the child's own first line (its interpreter and Django start
  included). Target: first line <= 300 ms.
* volume: a command printing 100,000 lines: what is stored under the default caps,
  and, uncapped, the time per 10,000 stored lines (flat = no O(n^2) rewriting).
* load: 5 concurrent runs and 20 API pollers for 30 s: request errors and
  "database is locked" counts. Target 0 / 0.

SQLite in WAL mode with a busy timeout and IMMEDIATE transactions, as the desktop
settings use. Prints JSON. Run: .venv/bin/python bench/tasks.py [--seconds 30] [--runs 7]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
WORK = Path(tempfile.mkdtemp(prefix="djdesk-bench-tasks-"))
sys.path.insert(0, str(WORK))

SETTINGS = f"""
from djdesk_inspector.kernel import compat
SECRET_KEY = "bench"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    *([compat.TASKS_APP] if compat.TASKS_APP else []),
    "django_tasks_db",
    "djdesk_inspector",
    "djdesk_inspector.presets",
]
ROOT_URLCONF = "bench_tasks_urls"
# The runs are read as a user holding djdesk's permissions, as on a team server.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": {str(WORK / "bench.sqlite3")!r},
        "OPTIONS": {{
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }},
    }}
}}
TASKS = {{"default": {{"BACKEND": compat.DATABASE_BACKEND}}}}
STATIC_URL = "/static/"
DJDESK_PRESETS = {{"ALLOWLIST": ["check", "chatty"], "ALLOW_HOST_TARGET": False, "OUTPUT_MAX_LINES": 10_000}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
URLS = """
from django.urls import include, path
urlpatterns = [path("djdesk/", include("djdesk_inspector.presets.urls"))]
"""
(WORK / "bench_tasks_settings.py").write_text(SETTINGS)
(WORK / "bench_tasks_urls.py").write_text(URLS)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_tasks_settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from djdesk_inspector.kernel import processes  # noqa: E402
from djdesk_inspector.models import Workspace  # noqa: E402
from djdesk_inspector.presets.models import Preset, TaskRun, TaskRunLogLine  # noqa: E402
from tests.permissions import signed_in_client  # noqa: E402
from tests.presets.projects import write_project  # noqa: E402

RUNS = "/djdesk/api/task-runs/"
LOCKED = "database is locked"
WORKER = ("db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload")


def start_workers(count: int) -> list:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WORK), str(ROOT), str(ROOT / "src")])}
    procs = []
    for index in range(count):
        log = (WORK / f"worker-{index}.log").open("ab")
        procs.append(
            processes.start(
                [sys.executable, "-m", "django", *WORKER, "--worker-id", f"bench-{index}"],
                cwd=WORK,
                env=env,
                stdout=log,
                stderr=log,
            )
        )
    time.sleep(1.0)  # interpreter + Django start
    return procs


def stop_workers(procs: list) -> None:
    for proc in procs:
        processes.kill_tree(proc)
        proc.wait()


def request(client: Client, preset: str) -> int:
    body = json.dumps({"workspace": "shop", "preset": preset})
    response = client.post(RUNS, body, content_type="application/json")
    assert response.status_code == 202, response.content
    return response.json()["id"]


def wait_done(client: Client, run_id: int, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"{RUNS}{run_id}/").json()
        if run["done"]:
            return run
        time.sleep(0.05)
    raise TimeoutError(run_id)


def latency(client: Client, runs: int) -> dict:
    first_any: list[float] = []
    first_child: list[float] = []
    for _ in range(runs):
        started = time.monotonic()
        run_id = request(client, "chatty-one")
        after, seen_any, seen_child = 0, None, None
        while seen_child is None and time.monotonic() - started < 30:
            delta = client.get(f"{RUNS}{run_id}/log/", {"after": after}).json()
            now = time.monotonic()
            if delta["lines"] and seen_any is None:
                seen_any = now - started
            if any(line["stream"] != "s" for line in delta["lines"]):
                seen_child = now - started
            after = delta["next_after"]
            time.sleep(0.005)
        first_any.append(seen_any * 1000)
        first_child.append(seen_child * 1000)
        wait_done(client, run_id)
    return {
        "runs": runs,
        "first_line_ms_median": round(statistics.median(first_any), 1),
        "first_line_ms_all": [round(v, 1) for v in first_any],
        "first_child_line_ms_median": round(statistics.median(first_child), 1),
        "target_ms": 300,
    }


def volume(client: Client) -> dict:
    """100k printed lines under the default caps: what is stored, and how long it took."""
    run = wait_done(client, request(client, "chatty-100k"))
    return {
        "printed_lines": 100_000,
        "default_caps": {
            "max_lines_setting": 10_000,
            "stored_lines": TaskRunLogLine.objects.filter(run_id=run["id"]).count(),
            "truncated": run["truncated"],
            "duration_ms": run["duration_ms"],
        },
    }


def per_10k(run_id: int) -> list[int]:
    """Milliseconds between every 10,000th stored line (``t_ms``: when the runner took it).

    Counted from the child's first line (seq 2; seq 1 is the runner's "started" line).
    """
    marks = dict(
        TaskRunLogLine.objects.filter(
            run_id=run_id, seq__in=[2 + k * 10_000 for k in range(11)]
        ).values_list("seq", "t_ms")
    )
    ordered = [marks[s] for s in sorted(marks)]
    return [b - a for a, b in itertools.pairwise(ordered)]


def uncapped_volume(client: Client, repeats: int = 3) -> dict:
    """100k lines all stored: ms per 10k lines (median over runs), first vs last chunk.

    The worker reads the caps from its own settings, so they are lifted in the settings
    file for a worker started just for these runs.
    """
    settings_file = WORK / "bench_tasks_settings.py"
    settings_file.write_text(
        SETTINGS.replace(
            '"OUTPUT_MAX_LINES": 10_000}',
            '"OUTPUT_MAX_LINES": 200_000, "OUTPUT_MAX_BYTES": 100_000_000}',
        )
    )
    procs = start_workers(1)
    try:
        done = [wait_done(client, request(client, "chatty-100k")) for _ in range(repeats)]
    finally:
        stop_workers(procs)
        settings_file.write_text(SETTINGS)
    chunks = [per_10k(run["id"]) for run in done]
    median = [int(statistics.median(values)) for values in zip(*chunks, strict=True)]
    return {
        "runs": repeats,
        "stored_lines": [TaskRunLogLine.objects.filter(run_id=r["id"]).count() for r in done],
        "duration_ms": [run["duration_ms"] for run in done],
        "ms_per_10k_lines_median": median,
        "ms_per_10k_lines_each_run": chunks,
        # The first chunk shares the CPU with the child still printing; compare after it.
        "last_over_second_chunk": round(median[-1] / max(median[1], 1), 2),
    }


def load(seconds: float, concurrency: int = 5, pollers: int = 20) -> dict:
    procs = start_workers(concurrency)
    stop = threading.Event()
    errors: list[str] = []
    requests = [0]
    active: list[int] = []
    lock = threading.Lock()

    def poller() -> None:
        client = signed_in_client()
        after: dict[int, int] = {}
        try:
            while not stop.is_set():
                with lock:
                    ids = list(active)
                if not ids:
                    time.sleep(0.05)
                    continue
                run_id = random.choice(ids)
                try:
                    response = client.get(f"{RUNS}{run_id}/log/", {"after": after.get(run_id, 0)})
                    if response.status_code != 200:
                        errors.append(f"log {response.status_code}")
                    else:
                        after[run_id] = response.json()["next_after"]
                    status = client.get(f"{RUNS}{run_id}/")
                    if status.status_code != 200:
                        errors.append(f"run {status.status_code}")
                    with lock:
                        requests[0] += 2
                except Exception as exc:
                    errors.append(repr(exc))
                time.sleep(0.1)
        finally:
            connection.close()

    def driver() -> None:
        client = signed_in_client()
        try:
            while not stop.is_set():
                run_id = request(client, "chatty-load")
                with lock:
                    active.append(run_id)
                wait_done(client, run_id, timeout=seconds + 120)
                with lock:
                    active.remove(run_id)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=driver) for _ in range(concurrency)]
    threads += [threading.Thread(target=poller) for _ in range(pollers)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    stop_workers(procs)
    worker_logs = "".join(p.read_text(errors="replace") for p in WORK.glob("worker-*.log"))
    runs = TaskRun.objects.filter(preset_key="chatty-load")
    failed = runs.exclude(status="succeeded")
    locked = sum(e.count(LOCKED) for e in errors) + worker_logs.count(LOCKED)
    locked += sum((r.error or "").count(LOCKED) for r in runs)
    return {
        "seconds": seconds,
        "concurrent_runs": concurrency,
        "pollers": pollers,
        "runs_finished": runs.count(),
        "runs_failed": failed.count(),
        "lines_stored": TaskRunLogLine.objects.filter(run__preset_key="chatty-load").count(),
        "api_requests": requests[0],
        "errors": len(errors),
        "error_samples": errors[:5],
        "database_is_locked": locked,
        "target": "0 errors / 0 locked",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help=f"keep {WORK}")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    project = write_project(WORK)
    Workspace.objects.create(
        name="Shop",
        slug="shop",
        project_path=str(project),
        interpreter_path=sys.executable,
        settings_module="shopproj.settings",
    )
    for key, args in (
        ("chatty-one", ["--count=1"]),
        ("chatty-100k", ["--count=100000"]),
        ("chatty-load", ["--count=3000", "--delay=0.002"]),
    ):
        Preset.objects.create(key=key, label=key, command="chatty", fixed_args=args, timeout=600)
    client = signed_in_client()
    procs = start_workers(1)
    try:
        figures = {"latency": latency(client, options.runs), "volume": volume(client)}
    finally:
        stop_workers(procs)
    figures["volume"]["uncapped"] = uncapped_volume(client)
    figures["load"] = load(options.seconds)
    figures["sqlite"] = {"journal_mode": "wal", "transaction_mode": "IMMEDIATE", "timeout_s": 20}
    print(json.dumps(figures, indent=2))
    connection.close()
    if not options.keep:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
