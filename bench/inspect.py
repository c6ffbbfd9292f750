"""Inspection figures on a large project: live scan vs ``manage.py check``, static scan.

Generates 30 apps x 10 models (FKs within and across apps, M2Ms) with 3 migrations
per app (~110 migrations with contrib's), then times, as medians of several runs:

* the live scan (``live.scan``: probe process, setup, models, migration graph with the
  applied state, autodetector, checks incl. deploy, URLs, settings),
* ``python manage.py check`` in the same interpreter, project and environment,
* the static scan (``static.scan``).

Then, on a 60-model project (6 apps x 10 models, the "50+ models" figure), the live
scan *through* ``djdesk_inspect`` against ``manage.py check`` (``bench/vs_check.py``:
in this already started process, the way a scan runs in a worker, and end to end as a
new ``python -m django djdesk_inspect`` process), target <= 1.3.

Targets: live <= 1.5 x check (300 models), live through djdesk_inspect <= 1.3 x check
(60 models), static <= 1 s. Prints JSON.
Run: .venv/bin/python bench/inspect.py [--runs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# This file is named like the stdlib module "inspect": pathsetup keeps bench/ off sys.path.
import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402

django.setup()

from telemetry import samples  # noqa: E402

from bench import vs_check  # noqa: E402
from djdesk_inspector.inspection import live, static  # noqa: E402
from djdesk_inspector.kernel import environment  # noqa: E402

SHAPE = {"apps": 30, "models_per_app": 10, "migrations_per_app": 3}
CLI_SHAPE = {"apps": 6, "models_per_app": 10, "migrations_per_app": 3}


def medians(samples_: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(s[0] for s in samples_),
        statistics.median(s[1] for s in samples_),
    )


def through_command(folder: Path, runs: int) -> dict[str, object]:
    """``djdesk_inspect`` on a 50+ model project vs that project's ``manage.py check``."""
    sample = samples.write_project(folder / "cli-project", **CLI_SHAPE)  # type: ignore[arg-type]
    figures = vs_check.measure(
        sample.root, python=sys.executable, settings_module=sample.settings_module, runs=runs
    )
    return {"project": {"models": len(sample.models), "apps": len(sample.apps)}, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", type=Path, help="Write the project here and keep it.")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="djdesk-bench-inspect-"))
    sample = samples.write_project(folder / "project", **SHAPE)  # type: ignore[arg-type]
    env = environment.clean_env({"DJANGO_SETTINGS_MODULE": sample.settings_module}, allow=())
    check_argv = [sys.executable, "-B", "manage.py", "check"]

    def check() -> None:
        subprocess.run(
            check_argv, cwd=sample.root, env=env, check=True, capture_output=True, timeout=120
        )

    def live_scan() -> None:
        live.scan(sample.root, interpreter=sys.executable)

    def static_scan() -> None:
        static.scan(sample.root)

    # Warm the OS file cache once for every contender.
    check()
    document = live.scan(sample.root, interpreter=sys.executable)
    static_scan()
    live_times, check_times, static_times = [], [], []
    for _ in range(options.runs):
        # Interleaved, so drift in machine load hits all three alike.
        check_times.append(vs_check.timed(check))
        live_times.append(vs_check.timed(live_scan))
        static_times.append(vs_check.timed(static_scan))
    live_s, live_cpu = medians(live_times)
    check_s, check_cpu = medians(check_times)
    static_s, _ = medians(static_times)
    migrations = sum(len(a["nodes"]) for a in document["migrations"]["apps"].values())
    command_figures = through_command(folder, options.runs)
    print(
        json.dumps(
            {
                "project": {
                    "apps": len(document["apps"]),
                    "models": len(document["models"]),
                    "migrations": migrations,
                    "urls": len(document["urls"]),
                },
                "python": document["python"]["version"],
                "django": document["django"]["version"],
                "runs": options.runs,
                "live_scan_s": round(live_s, 3),
                "manage_py_check_s": round(check_s, 3),
                "live_to_check_ratio": round(live_s / check_s, 3),
                "live_to_check_target": 1.5,
                "cpu": {
                    "live_scan_s": round(live_cpu, 3),
                    "manage_py_check_s": round(check_cpu, 3),
                    "live_to_check_ratio": round(live_cpu / check_cpu, 3),
                },
                "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
                "static_scan_s": round(static_s, 4),
                "static_target_s": 1.0,
                "probe_stage_s": document["timings"],
                "through_djdesk_inspect_50_plus_models": command_figures,
                "document_bytes": len(json.dumps(document)),
            },
            indent=2,
        )
    )
    if not options.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
