"""Real team-server services for tests and bench: PostgreSQL, Redis, and worker pools.

Workers run in ``--batch``/``--burst`` mode: they start after the jobs are queued,
drain the queue and exit by themselves, so a test waits for an exit instead of
guessing when the work is done. Each worker writes its own log; the task start line
(``Task id=<id> ... state=RUNNING``) is one per *execution*, so counting them across
the logs counts how often each job really ran.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from djdesk_inspector.kernel import processes
from tests import databases
from tests.conftest import IN_CI, require

REPO = Path(__file__).resolve().parents[2]
REDIS_URL_VARIABLE = "DJDESK_TEST_REDIS_URL"
# One start line per execution, by django-tasks' task_started signal handler.
STARTED = re.compile(r"Task id=(?P<id>\S+) path=\S+ state=RUNNING")


def require_postgres(settings_dict: dict[str, Any]) -> None:
    """Run on PostgreSQL, skip when another CI pass covers it, else skip/fail as usual."""
    if databases.is_postgres(settings_dict):
        return
    if IN_CI and databases.server_described():
        pytest.skip("this pass runs on SQLite; the DJDESK_TEST_DB=postgres pass runs this test")
    require(False, "PostgreSQL is not configured: DJDESK_TEST_DB=postgres and PG* (.ci/services)")


def redis_url() -> str:
    """The Redis the RQ tests use (a database of its own); skip/fail when unreachable."""
    url = os.environ.get(REDIS_URL_VARIABLE, "")
    require(bool(url), f"Redis is not configured: {REDIS_URL_VARIABLE} (.ci/services)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {url} does not answer: {exc}")
    return url


def worker_env(db_name: str | Path, settings_module: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJDESK_WORKER_DB": str(db_name),
        "DJDESK_WORKER_PRESETS": json.dumps({}),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        **extra,
    }


@dataclass
class PoolRun:
    """What a pool of workers did: pids, exit codes and executions per task id."""

    pids: list[int]
    returncodes: list[int | None]
    logs: list[str]
    executions: Counter[str] = field(default_factory=Counter)
    per_worker: list[int] = field(default_factory=list)

    @classmethod
    def from_logs(cls, pids: list[int], returncodes: list[int | None], logs: list[str]) -> PoolRun:
        run = cls(pids, returncodes, logs)
        for text in logs:
            ids = [m["id"] for m in STARTED.finditer(text)]
            run.executions.update(ids)
            run.per_worker.append(len(ids))
        return run


def _run_pool(
    argvs: list[list[str]], env: dict[str, str], log_dir: Path, timeout: float
) -> PoolRun:
    """Start every argv at once, wait for all to exit (killing the tree on timeout)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    paths = [log_dir / f"worker-{index}.log" for index in range(len(argvs))]
    procs = []
    try:
        for argv, path in zip(argvs, paths, strict=True):
            with path.open("wb") as log:
                procs.append(
                    processes.start(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
                )
        for proc in procs:
            proc.wait(timeout=timeout)
    finally:
        for proc in procs:
            if proc.poll() is None:
                processes.kill_tree(proc)
                proc.wait()
    return PoolRun.from_logs(
        [proc.pid for proc in procs],
        [proc.returncode for proc in procs],
        [path.read_text(errors="replace") for path in paths],
    )


def drain_with_db_workers(
    db_name: str | Path, *, count: int, log_dir: Path, timeout: float = 120
) -> PoolRun:
    """``count`` real ``db_worker --batch`` processes run the queued tasks, then exit."""
    argvs = [
        [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--batch",
            "--interval",
            "0.05",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            f"team-{index}",
        ]
        for index in range(count)
    ]
    env = worker_env(db_name, "tests.teamserver.worker_settings")
    return _run_pool(argvs, env, log_dir, timeout)


def drain_with_rq_worker(
    db_name: str | Path, url: str, *, log_dir: Path, timeout: float = 120
) -> PoolRun:
    """One real ``rqworker --burst`` (django-rq) with django-tasks-rq's job class."""
    argv = [
        sys.executable,
        "-m",
        "django",
        "rqworker",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        "default",
    ]
    env = worker_env(db_name, "tests.teamserver.rq_settings", **{REDIS_URL_VARIABLE: url})
    return _run_pool([argv], env, log_dir, timeout)
