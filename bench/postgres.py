"""Team-server figures on a real PostgreSQL. Prints JSON.

* doubles: 200 real (static) scans queued with django-tasks-db's DatabaseBackend,
  drained by 2 real ``db_worker --batch`` processes started together; a job "ran
  twice" when its task start line appears more than once across the workers' logs
  (or its row records two claims, or the scan's own claim found it already taken).
  Target 0.
* status: bench/status.py's scenario (status API p50/p95 and queries at 10 and 1,000
  history rows, 300 requests each) run once on SQLite and once on PostgreSQL, side by
  side, by a signed-in user holding djdesk's permissions.

Needs a server: ``eval "$(.ci/services)"`` (PG* variables); the bench creates and
drops its own database ``djdesk_bench`` (the role has CREATEDB).
Run: .venv/bin/python bench/postgres.py [--jobs 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
BENCH_DATABASE = "djdesk_bench"


def admin_sql(statement: str) -> None:
    """Run one statement on the server's maintenance database (autocommit)."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True) as conn:
        conn.execute(statement)


def fresh_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{BENCH_DATABASE}"')


def status_figures(database: str) -> dict:
    """The status scenario in a process of its own, on ``database`` (sqlite or postgres)."""
    env = {**os.environ, "DJDESK_TEST_DB": database, "PGDATABASE": BENCH_DATABASE}
    out = subprocess.run(
        [sys.executable, __file__, "--status-child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {int(rows): figures for rows, figures in json.loads(out).items()}


def status_child() -> None:
    """bench/status.py's scenario (same rows, same requests), as a signed-in user.

    A team server checks Django permissions on every request, so the client holds
    djdesk's permissions (their session, user and permission queries are counted).
    """
    import importlib.util

    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    spec = importlib.util.spec_from_file_location("bench_status", ROOT / "bench" / "status.py")
    assert spec is not None
    assert spec.loader is not None
    status = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(status)  # sets Django up on the selected database

    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from telemetry import samples

    from djdesk_inspector.inspection import engine

    setup_test_environment()
    call_command("migrate", verbosity=0)
    project = Path(tempfile.mkdtemp(prefix="djdesk-bench-demo-")) / "fleet-ops"
    samples.write_project(project, **status.DEMO_SHAPE)
    # A real live scan of a sample the bench wrote itself (hence trusted), as status.py does.
    document = engine.inspect_project(project, kind="live", trusted=True)
    from tests.permissions import signed_in_client

    client = signed_in_client()
    figures = {}
    for rows in (10, 1000):
        result = status.scenario(client, rows, document)
        figures[rows] = {key: result[key] for key in ("queries", "p50_ms", "p95_ms")}
    print(json.dumps(figures))


def doubles(jobs: int, workers: int) -> dict:
    """Queue ``jobs`` scans, drain them with ``workers`` processes, count double runs."""
    os.environ.update(
        {
            "DJDESK_TEST_DB": "postgres",
            "PGDATABASE": BENCH_DATABASE,
            "DJDESK_WORKER_DB": BENCH_DATABASE,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",  # DatabaseBackend
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from djdesk_inspector.models import Scan, ScanStatus, Snapshot
    from tests.teamserver.jobs import queue_scans
    from tests.teamserver.services import drain_with_db_workers

    call_command("migrate", verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="djdesk-bench-team-"))
    queue_scans(work / "projects", jobs)
    connection.close()  # the workers get the server to themselves
    started = time.perf_counter()
    pool = drain_with_db_workers(BENCH_DATABASE, count=workers, log_dir=work / "logs")
    elapsed = time.perf_counter() - started

    task_ids = set(Scan.objects.values_list("task_id", flat=True))
    results = list(DBTaskResult.objects.filter(id__in=task_ids))
    return {
        "jobs": jobs,
        "workers": workers,
        "worker_exit_codes": pool.returncodes,
        "jobs_run_twice": sum(1 for n in pool.executions.values() if n > 1),
        "jobs_never_run": sum(1 for task_id in task_ids if pool.executions[task_id] == 0),
        "rows_claimed_twice": sum(1 for r in results if len(r.worker_ids) > 1),
        "scans_claimed_when_taken": sum(
            1 for r in results if (r.return_value or {}).get("status") == "skipped"
        ),
        "scans_succeeded": Scan.objects.filter(status=ScanStatus.SUCCEEDED).count(),
        "snapshots": Snapshot.objects.count(),
        "jobs_per_worker": pool.per_worker,
        "drain_seconds": round(elapsed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--status-child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.status_child:
        status_child()
        return
    if not os.environ.get("PGHOST"):
        sys.exit('bench/postgres.py needs a PostgreSQL server: eval "$(.ci/services)"')
    fresh_database()
    status = {"sqlite": status_figures("sqlite"), "postgres": status_figures("postgres")}
    fresh_database()
    figures = doubles(options.jobs, options.workers)
    from django.db import connections

    connections.close_all()
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    print(
        json.dumps(
            {
                "benchmark": "postgres",
                "server": server_version(),
                "targets": {"jobs_run_twice": 0, "status_p50_ms_at_1000": "<= 5"},
                "doubles": figures,
                "status_api": {
                    "client": "django.test.Client (in process, signed in), bench/status.py scenario",
                    "at_1000_rows": {db: rows[1000] for db, rows in status.items()},
                    "at_10_rows": {db: rows[10] for db, rows in status.items()},
                },
            },
            indent=2,
        )
    )


def server_version() -> str:
    import psycopg

    with psycopg.connect(dbname="postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0]}" if row else "unknown"


if __name__ == "__main__":
    main()
